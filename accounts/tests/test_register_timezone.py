"""Registration takes the timezone from the browser (a hidden field the page's script fills); the list is the
fallback, and the person's own pick in it wins (the script then empties the hidden field)."""

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def register(client, **fields):
    data = {
        "email": "new.person@example.com", "password": "A-long-enough-passphrase-7",
        "password_again": "A-long-enough-passphrase-7", "timezone": "UTC", "default_currency": "EUR", **fields,
    }  # fmt: skip
    return client.post(reverse("register"), data)


def test_the_browsers_timezone_is_the_accounts_timezone(client):
    register(client, browser_timezone="Asia/Kolkata")

    assert User.objects.get(email="new.person@example.com").timezone == "Asia/Kolkata"


def test_without_the_browsers_timezone_the_list_choice_is_kept(client):
    register(client, timezone="Europe/Paris")

    assert User.objects.get(email="new.person@example.com").timezone == "Europe/Paris"


def test_a_browser_timezone_the_server_does_not_know_leaves_the_list_choice(client):
    register(client, timezone="Europe/Paris", browser_timezone="Mars/Olympus_Mons")

    assert User.objects.get(email="new.person@example.com").timezone == "Europe/Paris"


def test_the_page_loads_the_script_and_has_the_hidden_field(client):
    page = client.get(reverse("register")).content.decode()

    assert 'type="hidden" name="browser_timezone"' in page
    assert "js/register-timezone.js" in page
