"""Registration, the profile, and passwords through the API."""

from http import HTTPStatus

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import TEST_PASSWORD

NEW_PASSWORD = "Fresh-pasta-2026"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_registration_creates_a_member_with_the_default_categories(db):
    response = APIClient().post(
        reverse("accounts_api:register"),
        {"email": "New@Example.com", "password": NEW_PASSWORD, "timezone": "Europe/Paris", "default_currency": "eur"},
    )

    assert response.status_code == HTTPStatus.ACCEPTED
    user = User.objects.get(email="new@example.com")
    assert (user.role, user.timezone, user.default_currency) == ("member", "Europe/Paris", "EUR")
    assert user.categories.count() == 7


def test_registration_with_a_taken_email_answers_like_a_new_one_and_creates_nothing(member):
    taken = APIClient().post(reverse("accounts_api:register"), {"email": member.email, "password": NEW_PASSWORD})
    new = APIClient().post(reverse("accounts_api:register"), {"email": "new@example.com", "password": NEW_PASSWORD})

    assert (taken.status_code, taken.json()) == (new.status_code, new.json())
    assert taken.status_code == HTTPStatus.ACCEPTED
    assert User.objects.filter(email__iexact=member.email).count() == 1


def test_registration_refuses_a_weak_password(db):
    response = APIClient().post(reverse("accounts_api:register"), {"email": "a@example.com", "password": "password"})

    assert list(response.json()["errors"]) == ["password"]


def test_profile_update_changes_timezone_and_currency(member, api_client_for):
    response = api_client_for(member).patch(
        reverse("accounts_api:me"), {"timezone": "Asia/Tokyo", "default_currency": "JPY", "display_name": " Mia "}
    )

    assert response.status_code == HTTPStatus.OK
    member.refresh_from_db()
    assert (member.timezone, member.default_currency, member.display_name) == ("Asia/Tokyo", "JPY", "Mia")


def test_profile_refuses_an_unknown_timezone(member, api_client_for):
    response = api_client_for(member).patch(reverse("accounts_api:me"), {"timezone": "Mars/Olympus"})

    assert list(response.json()["errors"]) == ["timezone"]


def test_role_cannot_be_changed_through_the_profile(member, api_client_for):
    api_client_for(member).patch(reverse("accounts_api:me"), {"role": "admin"})

    member.refresh_from_db()
    assert member.role == "member"


def test_change_password_needs_the_current_one(member, api_client_for):
    response = api_client_for(member).post(
        reverse("accounts_api:password-change"), {"current_password": "wrong", "new_password": NEW_PASSWORD}
    )

    assert list(response.json()["errors"]) == ["current_password"]
    member.refresh_from_db()
    assert member.check_password(TEST_PASSWORD)


def test_password_reset_mails_a_code_that_sets_a_new_password(member, mailoutbox):
    APIClient().post(reverse("accounts_api:password-reset"), {"email": member.email})
    lines = dict(line.split(": ", 1) for line in mailoutbox[0].body.splitlines() if ": " in line)

    response = APIClient().post(
        reverse("accounts_api:password-reset-confirm"),
        {"uid": lines["uid"], "token": lines["token"], "new_password": NEW_PASSWORD},
    )

    assert response.status_code == HTTPStatus.NO_CONTENT
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_password_reset_answers_the_same_for_an_unknown_address(db, mailoutbox):
    response = APIClient().post(reverse("accounts_api:password-reset"), {"email": "nobody@example.com"})

    assert response.status_code == HTTPStatus.ACCEPTED
    assert mailoutbox == []


def test_a_reset_token_works_only_once(member, mailoutbox):
    APIClient().post(reverse("accounts_api:password-reset"), {"email": member.email})
    lines = dict(line.split(": ", 1) for line in mailoutbox[0].body.splitlines() if ": " in line)
    body = {"uid": lines["uid"], "token": lines["token"], "new_password": NEW_PASSWORD}
    APIClient().post(reverse("accounts_api:password-reset-confirm"), body)

    again = APIClient().post(
        reverse("accounts_api:password-reset-confirm"), {**body, "new_password": "Other-pasta-2027"}
    )

    assert again.status_code == HTTPStatus.BAD_REQUEST
