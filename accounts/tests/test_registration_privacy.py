"""Sign-up answers the same whether or not an address has an account; the owner of a taken address is e-mailed."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import TEST_PASSWORD

PASSWORD = "A-long-enough-passphrase-7"
REGISTER_API = reverse("accounts_api:register")

pytestmark = pytest.mark.django_db


def web_form(email, password=PASSWORD, **fields):
    return {
        "email": email,
        "display_name": "Someone",
        "password": password,
        "password_again": password,
        "timezone": "UTC",
        "default_currency": "USD",
        **fields,
    }


def test_the_web_answers_a_taken_address_like_a_new_one(client, member):
    taken = client.post(reverse("register"), web_form("Member@Example.com"))
    new = client.post(reverse("register"), web_form("new@example.com"))

    assert (taken.status_code, taken.url) == (new.status_code, new.url) == (HTTPStatus.FOUND, reverse("register_done"))
    assert User.objects.filter(email__iexact=member.email).count() == 1
    assert "_auth_user_id" not in client.session  # nobody is signed in by signing up, so neither answer differs


def test_the_api_answers_a_taken_address_like_a_new_one(member):
    taken = APIClient().post(REGISTER_API, {"email": member.email, "password": PASSWORD})
    new = APIClient().post(REGISTER_API, {"email": "new@example.com", "password": PASSWORD})

    assert taken.status_code == new.status_code == HTTPStatus.ACCEPTED
    assert taken.json() == new.json()
    assert taken.headers.keys() == new.headers.keys()


def test_the_owner_of_a_taken_address_is_told_by_email(member):
    APIClient().post(REGISTER_API, {"email": member.email, "password": PASSWORD})

    assert [message.to for message in mail.outbox] == [[member.email]]
    assert "already has one" in mail.outbox[0].body
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_a_new_address_gets_a_welcome_email(db):
    APIClient().post(REGISTER_API, {"email": "new@example.com", "password": PASSWORD})

    assert [message.to for message in mail.outbox] == [["new@example.com"]]
    assert "/accounts/login/" in mail.outbox[0].body


def test_signing_up_with_someones_address_again_and_again_mails_them_once_an_hour(member):
    for _ in range(5):
        assert APIClient().post(REGISTER_API, {"email": member.email, "password": PASSWORD}).status_code == 202

    assert len(mail.outbox) == 1


def test_a_weak_password_is_refused_the_same_way_for_a_taken_address(client, member):
    taken_api = APIClient().post(REGISTER_API, {"email": member.email, "password": "password"})
    new_api = APIClient().post(REGISTER_API, {"email": "new@example.com", "password": "password"})
    taken_web = client.post(reverse("register"), web_form(member.email, "1234"))
    new_web = client.post(reverse("register"), web_form("new@example.com", "1234"))

    assert taken_api.status_code == new_api.status_code == HTTPStatus.BAD_REQUEST
    assert taken_api.json() == new_api.json()
    assert taken_web.status_code == new_web.status_code == HTTPStatus.BAD_REQUEST
    assert taken_web.context["form"].errors == new_web.context["form"].errors
    assert mail.outbox == []


def test_a_taken_address_keeps_its_password_and_profile(member):
    APIClient().post(REGISTER_API, {"email": member.email, "password": PASSWORD, "display_name": "Mallory"})

    member.refresh_from_db()
    assert member.check_password(TEST_PASSWORD)
    assert member.display_name != "Mallory"
