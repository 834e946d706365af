"""/health/ready/: the primary, the replica, the cache and storage, with a 503 naming what failed."""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DatabaseError, connections
from django.urls import reverse

from mealtracker import db_router

pytestmark = pytest.mark.django_db(databases=["default", "replica"])


@pytest.fixture(autouse=True)
def fresh_replica_verdict():
    db_router.forget_replica_status()
    yield
    db_router.forget_replica_status()
    connections[db_router.REPLICA].close()  # else the test database cannot be dropped at the end


def test_ready_when_everything_answers(client):
    response = client.get(reverse("health_ready"))
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert body["checks"] == {"database": "ok", "replica": "not configured", "cache": "ok", "storage": "ok"}


def test_a_configured_replica_is_checked(client, settings):
    settings.DATABASE_REPLICA_ENABLED = True
    assert client.get(reverse("health_ready")).json()["checks"]["replica"] == "ok"


def test_a_lagging_replica_is_named(client, settings, monkeypatch):
    settings.DATABASE_REPLICA_ENABLED = True
    monkeypatch.setattr(db_router, "replica_lag_seconds", lambda: 42.0)
    response = client.get(reverse("health_ready"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["failed"] == ["replica"]
    assert response.json()["checks"]["replica"] == "lagging 42.0s"


def test_an_unreachable_replica_is_named(client, settings, monkeypatch):
    settings.DATABASE_REPLICA_ENABLED = True
    monkeypatch.setattr(db_router, "replica_lag_seconds", lambda: None)
    response = client.get(reverse("health_ready"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["checks"]["replica"] == "unavailable"


def test_a_cache_that_does_not_answer_is_named(client, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set", down)
    response = client.get(reverse("health_ready"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["failed"] == ["cache"]


def test_storage_that_does_not_answer_is_named(client, monkeypatch):
    def down(name):
        raise OSError("bucket unreachable")

    monkeypatch.setattr(default_storage, "exists", down)
    response = client.get(reverse("health_ready"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["failed"] == ["storage"]


def test_a_primary_that_does_not_answer_is_named(client, monkeypatch):
    from mealtracker import views

    def down():
        raise DatabaseError("gone")

    monkeypatch.setattr(views.connection, "cursor", down)
    response = client.get(reverse("health_ready"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "database" in response.json()["failed"]


def test_readiness_is_public_and_never_cached(client):
    response = client.get(reverse("health_ready"))
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_liveness_stays_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get(reverse("health")).status_code == HTTPStatus.OK
