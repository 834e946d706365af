"""A new password or a deactivation ends every API sign-in, and a chain of refreshes cannot outlive its sign-in."""

import datetime
from http import HTTPStatus

import jwt
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts.tests.factories import TEST_PASSWORD
from accounts.tokens import ChainedRefreshToken

TOKEN = reverse("accounts_api:token-obtain")
REFRESH = reverse("accounts_api:token-refresh")
LOGOUT = reverse("accounts_api:logout")
ME = reverse("accounts_api:me")
NEW_PASSWORD = "Another-passphrase-42"

pytestmark = pytest.mark.django_db


def sign_in(user) -> dict:
    response = APIClient().post(TOKEN, {"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == HTTPStatus.OK
    return response.json()


def refresh(token: str):
    return APIClient().post(REFRESH, {"refresh": token})


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_a_password_change_through_the_api_ends_every_api_sign_in(member):
    phone, laptop = sign_in(member), sign_in(member)

    changed = bearer(laptop["access"]).post(
        reverse("accounts_api:password-change"), {"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert changed.status_code == HTTPStatus.NO_CONTENT
    assert refresh(phone["refresh"]).status_code == HTTPStatus.UNAUTHORIZED
    assert refresh(laptop["refresh"]).status_code == HTTPStatus.UNAUTHORIZED
    assert bearer(phone["access"]).get(ME).status_code == HTTPStatus.UNAUTHORIZED  # not even for its last minutes


def test_a_password_change_on_the_web_ends_every_api_sign_in(member, web_client_for):
    stolen = sign_in(member)

    response = web_client_for(member).post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert refresh(stolen["refresh"]).status_code == HTTPStatus.UNAUTHORIZED
    assert bearer(stolen["access"]).get(ME).status_code == HTTPStatus.UNAUTHORIZED


def test_a_password_reset_through_the_api_ends_every_api_sign_in(member):
    stolen = sign_in(member)

    response = APIClient().post(
        reverse("accounts_api:password-reset-confirm"),
        {
            "uid": urlsafe_base64_encode(force_bytes(member.pk)),
            "token": default_token_generator.make_token(member),
            "new_password": NEW_PASSWORD,
        },
    )

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert refresh(stolen["refresh"]).status_code == HTTPStatus.UNAUTHORIZED


def test_a_password_reset_on_the_web_ends_every_api_sign_in(client, member):
    stolen = sign_in(member)
    client.post(reverse("password_reset"), {"email": member.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/" in line)

    form_page = client.get(link.strip(), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("password_reset_complete")
    assert refresh(stolen["refresh"]).status_code == HTTPStatus.UNAUTHORIZED


def test_a_password_set_by_an_admin_ends_every_api_sign_in(member, site_admin, web_client_for):
    stolen = sign_in(member)

    response = web_client_for(site_admin).post(
        reverse("admin:auth_user_password_change", args=[member.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert refresh(stolen["refresh"]).status_code == HTTPStatus.UNAUTHORIZED


def test_deactivating_an_account_in_the_admin_ends_its_api_sign_ins(member, site_admin, web_client_for):
    stolen = sign_in(member)

    response = web_client_for(site_admin).post(
        reverse("admin:accounts_user_change", args=[member.pk]),
        {
            "email": member.email,
            "display_name": member.display_name,
            "timezone": member.timezone,
            "default_currency": member.default_currency,
            "role": member.role,
            "team": member.team_id,
            # is_active left out: unticked
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert not member.is_active
    assert refresh(stolen["refresh"]).status_code == HTTPStatus.UNAUTHORIZED
    assert bearer(stolen["access"]).get(ME).status_code == HTTPStatus.UNAUTHORIZED


def test_a_password_changed_outside_the_services_still_ends_the_refresh_chain(member):
    # `manage.py changepassword` and the like set the password without blacklisting: the token's password
    # digest no longer matches, so the refresh is refused all the same.
    stolen = sign_in(member)
    member.set_password(NEW_PASSWORD)
    member.save()

    assert refresh(stolen["refresh"]).status_code == HTTPStatus.UNAUTHORIZED


def test_rotation_keeps_the_chain_start_and_never_outlives_it(member, settings):
    settings.JWT_REFRESH_CHAIN_LIFETIME = datetime.timedelta(days=2)  # shorter than one refresh token's 7 days
    first = sign_in(member)["refresh"]

    second = refresh(first).json()["refresh"]
    third = refresh(second).json()["refresh"]

    start = claims(first)["chain_iat"]
    assert claims(third)["chain_iat"] == start
    assert claims(third)["exp"] <= start + 2 * 24 * 3600
    assert "chain_iat" not in claims(refresh(third).json()["access"])


def test_a_refresh_chain_older_than_its_absolute_lifetime_is_refused(member):
    # A stolen token kept alive by refreshing it every few days: 31 days after the sign-in that began its chain.
    token = ChainedRefreshToken.for_user(member)
    token["chain_iat"] = int((timezone.now() - datetime.timedelta(days=31)).timestamp())

    response = refresh(str(token))

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["Content-Type"] == "application/problem+json"
    assert refresh(str(token)).status_code == HTTPStatus.UNAUTHORIZED  # and it stays refused


def test_a_refresh_chain_within_its_lifetime_still_refreshes(member):
    token = ChainedRefreshToken.for_user(member)
    token["chain_iat"] = int((timezone.now() - datetime.timedelta(days=29)).timestamp())

    assert refresh(str(token)).status_code == HTTPStatus.OK


def test_the_chain_lifetime_is_a_setting_with_a_thirty_day_default():
    assert datetime.timedelta(days=30) == django_settings.JWT_REFRESH_CHAIN_LIFETIME


def test_a_refresh_token_of_a_deleted_account_is_a_401_not_a_server_error(member):
    token = str(ChainedRefreshToken.for_user(member))
    member.delete()

    assert refresh(token).status_code == HTTPStatus.UNAUTHORIZED


@pytest.mark.parametrize("garbage", ["garbage", "a.b.c", "", "eyJhbGciOiJIUzI1NiJ9.e30.x"])
def test_logout_with_a_garbage_token_is_a_401(db, garbage):
    response = APIClient().post(LOGOUT, {"refresh": garbage})

    assert response.status_code in {HTTPStatus.UNAUTHORIZED, HTTPStatus.BAD_REQUEST}
    if garbage:
        assert response.status_code == HTTPStatus.UNAUTHORIZED
        assert response["WWW-Authenticate"].startswith("Bearer")
