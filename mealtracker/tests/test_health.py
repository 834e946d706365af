from http import HTTPStatus
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse


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
