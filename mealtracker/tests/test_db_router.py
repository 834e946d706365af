"""The read-replica rules, with the replica alias naming the test database (Django's test mirror).

Reads that reach the replica are seen on the replica connection's captured queries. The rows written here are
committed (transactional tests), so the second connection sees them as a replica that keeps up would.
A real streaming standby is exercised by test_db_router_streaming.py.
"""

import datetime
import time
from http import HTTPStatus

import pytest
from django.db import DEFAULT_DB_ALIAS, InterfaceError, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from accounts.tests.factories import UserFactory
from expenses.models import Expense
from expenses.tests.factories import ExpenseFactory
from mealtracker import db_router

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture(autouse=True)
def replica_on(settings):
    settings.DATABASE_REPLICA_ENABLED = True
    settings.REPORT_CACHE_SECONDS = 0
    db_router.forget_replica_status()
    yield
    db_router.forget_replica_status()
    connections[db_router.REPLICA].close()  # else the test database cannot be dropped at the end


def bearer_client(user) -> APIClient:
    """A client signed in the way apps and scripts are: a bearer access token, no session."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def yesterday() -> str:
    return (timezone.now() - datetime.timedelta(days=1)).isoformat()


def replica_queries(action) -> int:
    with CaptureQueriesContext(connections[db_router.REPLICA]) as captured:
        action()
    return len([q for q in captured.captured_queries if "pg_is_in_recovery" not in q["sql"]])


def test_list_page_reads_from_the_replica(web_client_for):
    owner = UserFactory()
    ExpenseFactory(owner=owner, notes="Ramen")
    client = web_client_for(owner)
    responses = []
    assert replica_queries(lambda: responses.append(client.get(reverse("expense_list")))) > 0
    assert responses[0].status_code == HTTPStatus.OK


def test_reports_api_reads_from_the_replica():
    owner = UserFactory()
    ExpenseFactory(owner=owner)
    client = bearer_client(owner)
    responses = []
    assert replica_queries(lambda: responses.append(client.get(reverse("reports_api:report", args=["summary"])))) > 0
    assert responses[0].status_code == HTTPStatus.OK


def test_a_page_not_on_the_list_reads_the_primary(web_client_for):
    owner = UserFactory()
    expense = ExpenseFactory(owner=owner)
    client = web_client_for(owner)
    assert replica_queries(lambda: client.get(reverse("expense_detail", args=[expense.pk]))) == 0


def test_user_reads_the_primary_right_after_their_own_write():
    owner = UserFactory()
    client = bearer_client(owner)
    created = client.post(reverse("expenses_api:expense-list"), {"amount": "18.00", "occurred_at": yesterday()})
    assert created.status_code == HTTPStatus.CREATED
    responses = []
    assert replica_queries(lambda: responses.append(client.get(reverse("expenses_api:expense-list")))) == 0
    assert [row["id"] for row in responses[0].json()["results"]] == [created.json()["id"]]


def test_another_users_write_does_not_keep_a_reader_on_the_primary():
    writer, reader = UserFactory(), UserFactory()
    bearer_client(writer).post(reverse("expenses_api:expense-list"), {"amount": "18.00", "occurred_at": yesterday()})
    client = bearer_client(reader)
    assert replica_queries(lambda: client.get(reverse("expenses_api:expense-list"))) > 0


def test_the_window_closes_after_read_your_writes_seconds(settings, monkeypatch):
    owner = UserFactory()
    client = bearer_client(owner)
    client.post(reverse("expenses_api:expense-list"), {"amount": "18.00", "occurred_at": yesterday()})
    later = timezone.now().timestamp() + settings.READ_YOUR_WRITES_SECONDS + 1
    monkeypatch.setattr("mealtracker.write_stamps.time.time_ns", lambda: int(later * 1_000_000_000))
    assert replica_queries(lambda: client.get(reverse("expenses_api:expense-list"))) > 0


def test_reads_inside_a_transaction_stay_on_the_primary():
    with db_router.replica_reads():
        assert db_router.PrimaryReplicaRouter().db_for_read(User) == db_router.REPLICA
        with transaction.atomic():
            assert db_router.PrimaryReplicaRouter().db_for_read(User) == DEFAULT_DB_ALIAS


def test_writes_and_migrations_go_to_the_primary():
    router = db_router.PrimaryReplicaRouter()
    with db_router.replica_reads():
        assert router.db_for_write(Expense) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "expenses") is True
    assert router.allow_migrate(db_router.REPLICA, "expenses") is False


def test_commands_and_jobs_read_the_primary():
    assert db_router.PrimaryReplicaRouter().db_for_read(Expense) == DEFAULT_DB_ALIAS


def test_nothing_goes_to_the_replica_when_none_is_configured(settings, web_client_for):
    settings.DATABASE_REPLICA_ENABLED = False
    client = web_client_for(UserFactory())
    assert replica_queries(lambda: client.get(reverse("expense_list"))) == 0


def test_a_lagging_replica_is_skipped(settings, monkeypatch, web_client_for):
    monkeypatch.setattr(db_router, "replica_lag_seconds", lambda: settings.DATABASE_REPLICA_MAX_LAG_SECONDS + 30)
    owner = UserFactory()
    ExpenseFactory(owner=owner)
    client = web_client_for(owner)
    responses = []
    assert replica_queries(lambda: responses.append(client.get(reverse("expense_list")))) == 0
    assert responses[0].status_code == HTTPStatus.OK


@pytest.fixture
def unreachable_replica():
    replica = connections[db_router.REPLICA]
    replica.close()
    # SQLite keeps an in-memory test database's connection open whatever close() is asked: set it aside.
    kept, replica.connection = replica.connection, None
    saved = dict(replica.settings_dict)
    if replica.vendor == "postgresql":
        replica.settings_dict.update(HOST="127.0.0.1", PORT=1)  # nothing listens there
    else:
        replica.settings_dict["NAME"] = "/nonexistent-folder/replica.sqlite3"
    yield
    replica.connection = kept
    replica.settings_dict.clear()
    replica.settings_dict.update(saved)
    replica.close()


def test_an_unreachable_replica_is_skipped(unreachable_replica, web_client_for):
    owner = UserFactory()
    ExpenseFactory(owner=owner, notes="Still listed")
    response = web_client_for(owner).get(reverse("expense_list"))
    assert response.status_code == HTTPStatus.OK
    assert db_router.replica_status().usable is False
    assert db_router.replica_status().lag_seconds is None


def test_the_verdict_is_kept_for_a_few_seconds(monkeypatch):
    asked = []
    monkeypatch.setattr(db_router, "replica_lag_seconds", lambda: asked.append(1) or 0.0)
    for _ in range(3):
        db_router.replica_status()
    assert len(asked) == 1
    db_router.replica_status(fresh=True)
    assert len(asked) == 2


def test_the_lag_check_is_one_cheap_query():
    with CaptureQueriesContext(connections[db_router.REPLICA]) as captured:
        assert db_router.replica_status(fresh=True).usable is True
    assert len(captured) == 1


def test_a_replica_gone_since_the_last_check_costs_a_retry_on_the_primary_not_an_error(
    unreachable_replica, monkeypatch, caplog
):
    owner = UserFactory()
    expense = ExpenseFactory(owner=owner)
    still_usable = db_router.ReplicaStatus(usable=True, lag_seconds=0.0, checked_at=time.monotonic())
    monkeypatch.setattr(db_router, "_status", still_usable)
    response = bearer_client(owner).get(reverse("expenses_api:expense-list"))
    assert response.status_code == HTTPStatus.OK
    assert [row["id"] for row in response.json()["results"]] == [expense.pk]
    assert "serving it from the primary" in caplog.text
    assert db_router.replica_status().usable is False


def test_a_replica_connection_the_server_closed_is_replaced_not_an_error(monkeypatch):
    replica = connections[db_router.REPLICA]
    real_cursor = replica.cursor
    refused = []

    def closed_once(*args, **kwargs):
        if not refused:
            refused.append(1)
            raise InterfaceError("connection already closed")
        return real_cursor(*args, **kwargs)

    monkeypatch.setattr(replica, "cursor", closed_once)
    assert db_router.replica_status(fresh=True).usable is True
    assert refused == [1]


def test_a_replica_that_keeps_failing_is_unusable_not_an_error(monkeypatch):
    def closed(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(connections[db_router.REPLICA], "cursor", closed)
    assert db_router.replica_status(fresh=True).usable is False
