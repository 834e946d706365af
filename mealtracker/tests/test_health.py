from http import HTTPStatus
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from accounts.tests.factories import UserFactory
from expenses.tests.factories import ExpenseFactory


@pytest.mark.django_db
def test_health_reports_database_and_version(client, settings):
    settings.APP_VERSION = "1.2.3"
    response = client.get(reverse("health"))
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok", "version": "1.2.3"}


@pytest.mark.django_db
def test_health_says_unavailable_without_leaking_the_error(client):
    with mock.patch("mealtracker.views.connection.cursor", side_effect=OperationalError("password=hunter2 host=db")):
        response = client.get(reverse("health"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["database"] == "unavailable"
    assert b"hunter2" not in response.content


@pytest.mark.django_db
def test_home_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_home_shows_only_my_recent_expenses(web_client_for, member):
    ExpenseFactory(owner=member, restaurant__name="My Diner")
    ExpenseFactory(owner=UserFactory(), restaurant__name="Their Diner")
    response = web_client_for(member).get(reverse("home"))
    assert b"My Diner" in response.content
    assert b"Their Diner" not in response.content
