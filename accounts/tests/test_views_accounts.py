"""Account pages through the test client: sign in, register, profile, password change and reset."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_accepts_the_email_in_any_case(client, member):
    response = client.post(reverse("login"), {"username": "MEMBER@Example.com", "password": TEST_PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("home")


def test_failed_sign_in_keeps_the_email_and_says_why(client, member):
    response = client.post(reverse("login"), {"username": "member@example.com", "password": "wrong-password"})

    assert response.status_code == HTTPStatus.OK
    assert 'value="member@example.com"' in response.text
    assert "Please enter a correct" in response.text


def test_sign_out_needs_a_post(web_client_for, member):
    client = web_client_for(member)

    assert client.get(reverse("logout")).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.post(reverse("logout")).status_code == HTTPStatus.FOUND


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_register_creates_the_account_and_asks_to_sign_in(client, db):
    response = client.post(
        reverse("register"),
        {
            "email": "New.Person@Example.com",
            "display_name": "New Person",
            "password": "A-long-enough-passphrase-7",
            "password_again": "A-long-enough-passphrase-7",
            "timezone": "Europe/Paris",
            "default_currency": "EUR",
        },
    )

    assert (response.status_code, response.url) == (HTTPStatus.FOUND, reverse("register_done"))
    user = User.objects.get(email="new.person@example.com")
    assert (user.timezone, user.default_currency) == ("Europe/Paris", "EUR")
    assert [message.to for message in mail.outbox] == [["new.person@example.com"]]
    assert "/accounts/login/" in mail.outbox[0].body
    signed_in = client.post(
        reverse("login"), {"username": "new.person@example.com", "password": "A-long-enough-passphrase-7"}
    )
    assert signed_in.url == reverse("home")


def test_register_refuses_a_weak_password(client, db):
    response = client.post(
        reverse("register"),
        {
            "email": "weak@example.com",
            "password": "1234",
            "password_again": "1234",
            "timezone": "UTC",
            "default_currency": "USD",
        },
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "password" in response.context["form"].errors
    assert not User.objects.filter(email="weak@example.com").exists()


def test_profile_saves_name_timezone_and_currency(web_client_for, member):
    response = web_client_for(member).post(
        reverse("profile"), {"display_name": "Mia", "timezone": "Asia/Tokyo", "default_currency": "JPY"}
    )

    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert (member.display_name, member.timezone, member.default_currency) == ("Mia", "Asia/Tokyo", "JPY")


def test_profile_refuses_an_unknown_timezone_and_keeps_the_name(web_client_for, member):
    response = web_client_for(member).post(
        reverse("profile"), {"display_name": "Mia", "timezone": "Mars/Olympus", "default_currency": "USD"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "timezone" in response.context["form"].errors
    assert 'value="Mia"' in response.text


def test_invalid_input_is_described_by_its_error_message(web_client_for, member):
    response = web_client_for(member).post(
        reverse("profile"), {"display_name": "Mia", "timezone": "Mars/Olympus", "default_currency": "USD"}
    )

    assert 'aria-describedby="id_timezone_helptext id_timezone_error"' in response.text
    assert 'id="id_timezone_error"' in response.text


def test_password_change_sets_the_new_password(web_client_for, member):
    response = web_client_for(member).post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Another-passphrase-42",
            "new_password2": "Another-passphrase-42",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert member.check_password("Another-passphrase-42")


def test_password_reset_mails_a_link_to_a_known_address(client, member):
    response = client.post(reverse("password_reset"), {"email": "member@example.com"})

    assert response.status_code == HTTPStatus.FOUND
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_password_reset_says_the_same_for_an_unknown_address(client, db):
    UserFactory(email="someone@example.com")

    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"}, follow=True)

    assert response.status_code == HTTPStatus.OK
    assert "If an account uses that address" in response.text
    assert mail.outbox == []
