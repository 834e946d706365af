"""Signing in and out of the API: JWT pairs, rotation, blacklisting, refused tokens, lockout, throttling."""

import datetime
from http import HTTPStatus

import jwt
import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.tests.factories import TEST_PASSWORD
from mealtracker.api.throttles import AuthRateThrottle

TOKEN = reverse("accounts_api:token-obtain")
REFRESH = reverse("accounts_api:token-refresh")
VERIFY = reverse("accounts_api:token-verify")
LOGOUT = reverse("accounts_api:logout")
ME = reverse("accounts_api:me")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def sign_in(email, password=TEST_PASSWORD):
    return APIClient().post(TOKEN, {"email": email, "password": password})


def bearer(token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_valid_credentials_get_an_access_and_refresh_token_that_work(member):
    response = sign_in("Member@Example.com")

    assert response.status_code == HTTPStatus.OK
    assert bearer(response.json()["access"]).get(ME).json()["email"] == member.email


def test_wrong_password_is_a_401_problem(member):
    response = sign_in(member.email, "not-the-password")

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["Content-Type"] == "application/problem+json"
    assert set(response.json()) >= {"type", "title", "status", "detail", "errors"}


def test_expired_access_token_is_refused(member):
    token = AccessToken.for_user(member)
    token.set_exp(lifetime=-datetime.timedelta(seconds=1))

    assert bearer(str(token)).get(ME).status_code == HTTPStatus.UNAUTHORIZED


def test_tampered_access_token_is_refused(member, teammate):
    header, payload, signature = str(AccessToken.for_user(member)).split(".")
    other_payload = str(AccessToken.for_user(teammate)).split(".")[1]

    assert bearer(f"{header}.{other_payload}.{signature}").get(ME).status_code == HTTPStatus.UNAUTHORIZED
    assert bearer(f"{header}.{payload}.{signature[:-4]}AAAA").get(ME).status_code == HTTPStatus.UNAUTHORIZED


def test_token_signed_with_another_key_is_refused(member):
    claims = AccessToken.for_user(member).payload
    forged = jwt.encode(claims, "not-our-secret-" + django_settings.SECRET_KEY, algorithm="HS256")

    assert bearer(forged).get(ME).status_code == HTTPStatus.UNAUTHORIZED


def test_unsigned_token_is_refused(member):
    forged = jwt.encode(AccessToken.for_user(member).payload, None, algorithm="none")

    assert bearer(forged).get(ME).status_code == HTTPStatus.UNAUTHORIZED


def test_refresh_rotates_and_the_old_refresh_token_is_refused(member):
    old = str(RefreshToken.for_user(member))

    rotated = APIClient().post(REFRESH, {"refresh": old})
    replayed = APIClient().post(REFRESH, {"refresh": old})

    assert rotated.status_code == HTTPStatus.OK
    assert set(rotated.json()) == {"access", "refresh"}
    assert rotated.json()["refresh"] != old
    assert replayed.status_code == HTTPStatus.UNAUTHORIZED
    assert APIClient().post(REFRESH, {"refresh": rotated.json()["refresh"]}).status_code == HTTPStatus.OK


def test_logout_blacklists_the_refresh_token(member):
    refresh = str(RefreshToken.for_user(member))

    assert APIClient().post(LOGOUT, {"refresh": refresh}).status_code == HTTPStatus.NO_CONTENT
    assert APIClient().post(REFRESH, {"refresh": refresh}).status_code == HTTPStatus.UNAUTHORIZED


def test_verify_refuses_a_tampered_token(member):
    token = str(AccessToken.for_user(member))

    assert APIClient().post(VERIFY, {"token": token}).status_code == HTTPStatus.OK
    assert APIClient().post(VERIFY, {"token": token[:-2] + "xx"}).status_code == HTTPStatus.UNAUTHORIZED


def test_repeated_failures_lock_the_account_even_for_the_right_password(member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(member.email, "wrong-password")

    response = sign_in(member.email)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["code"] == "locked_out"


def test_failures_on_one_account_do_not_lock_another(member, teammate, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(member.email, "wrong-password")

    assert sign_in(teammate.email).status_code == HTTPStatus.OK


def test_auth_endpoints_are_throttled_per_client(member, monkeypatch):
    monkeypatch.setitem(AuthRateThrottle.THROTTLE_RATES, "auth", "2/minute")

    statuses = [sign_in(member.email).status_code for _ in range(3)]

    assert statuses == [HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS]
