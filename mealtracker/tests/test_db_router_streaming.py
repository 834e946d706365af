"""The read-replica rules against a real PostgreSQL hot standby streaming from the test server.

`.ci/run` starts one (scripts/replica-standby.sh, port 5433) and runs this module with REPLICA_TEST_PORT set, and
REPLICA_TEST_PGDATA so the standby can be stopped and started again. Without them every test here is skipped with
the reason; on SQLite there is no standby to have.
"""

import datetime
import os
import subprocess
import time
from http import HTTPStatus
from pathlib import Path

import psycopg2
import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import UserFactory
from expenses.tests.factories import ExpenseFactory
from mealtracker import db_router

PORT = os.environ.get("REPLICA_TEST_PORT", "")
PGDATA = os.environ.get("REPLICA_TEST_PGDATA", "")

pytestmark = [
    pytest.mark.skipif(not PORT, reason="no streaming standby: set REPLICA_TEST_PORT (.ci/run starts one)"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


def standby_sql(sql: str):
    with psycopg2.connect(host="127.0.0.1", port=int(PORT), user="postgres", dbname="postgres") as conn:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone() if cursor.description else None


def primary_lsn() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def wait_until(predicate, *, seconds: float = 30, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"Timed out after {seconds} s waiting for {what}")


def wait_for_replay():
    target = primary_lsn()
    wait_until(
        lambda: standby_sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0],
        what="the standby to replay the primary's writes",
    )


@pytest.fixture(autouse=True)
def streaming_replica(settings):
    if connections["default"].vendor != "postgresql":
        pytest.skip("the streaming standby replicates PostgreSQL")
    settings.DATABASE_REPLICA_ENABLED = True
    settings.REPORT_CACHE_SECONDS = 0
    replica = connections[db_router.REPLICA]
    replica.close()
    saved = dict(replica.settings_dict)
    replica.settings_dict.update(HOST="127.0.0.1", PORT=int(PORT), NAME=connections["default"].settings_dict["NAME"])
    db_router.forget_replica_status()
    yield
    standby_sql("SELECT pg_wal_replay_resume()")
    replica.close()
    replica.settings_dict.clear()
    replica.settings_dict.update(saved)
    db_router.forget_replica_status()


def pause_replay():
    """The standby receives WAL but applies none of it: everything written from now on is missing there."""
    standby_sql("SELECT pg_wal_replay_pause()")
    wait_until(lambda: standby_sql("SELECT pg_get_wal_replay_pause_state()")[0] == "paused", what="replay to pause")


def bearer_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def listed_ids(client) -> tuple[list[int], int]:
    """The ids on the user's expense list, and how many queries went to the replica for them."""
    with CaptureQueriesContext(connections[db_router.REPLICA]) as captured:
        response = client.get(reverse("expenses_api:expense-list"))
    assert response.status_code == HTTPStatus.OK
    reads = [q for q in captured.captured_queries if "pg_is_in_recovery" not in q["sql"]]
    return [row["id"] for row in response.json()["results"]], len(reads)


def test_the_replica_is_a_standby_in_recovery():
    assert standby_sql("SELECT pg_is_in_recovery()")[0] is True
    assert db_router.replica_status(fresh=True).usable is True


def test_list_reads_come_from_the_standby_once_it_has_replayed():
    owner = UserFactory()
    expense = ExpenseFactory(owner=owner)
    wait_for_replay()
    ids, replica_reads = listed_ids(bearer_client(owner))
    assert ids == [expense.pk]
    assert replica_reads > 0


def test_own_write_is_read_back_from_the_primary_within_the_window(settings, monkeypatch):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 3600  # a standby that is behind but not judged lagging
    owner = UserFactory()
    wait_for_replay()  # the standby knows the user...
    pause_replay()  # ...and none of what follows
    client = bearer_client(owner)
    yesterday = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    created = client.post(reverse("expenses_api:expense-list"), {"amount": "18.00", "occurred_at": yesterday})
    assert created.status_code == HTTPStatus.CREATED
    ids, replica_reads = listed_ids(client)
    assert ids == [created.json()["id"]]
    assert replica_reads == 0
    # Without the window the same read would have come from the standby, which has not applied the write.
    monkeypatch.setattr("mealtracker.write_stamps.wrote_recently", lambda user_id: False)
    stale_ids, stale_reads = listed_ids(client)
    assert stale_reads > 0
    assert stale_ids == []


def test_a_lagging_standby_is_skipped_and_reads_fall_back_to_the_primary(settings):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 1
    pause_replay()
    owner = UserFactory()
    expense = ExpenseFactory(owner=owner)  # written without a request: no read-your-writes stamp
    wait_until(
        lambda: (db_router.replica_lag_seconds() or 0) > settings.DATABASE_REPLICA_MAX_LAG_SECONDS,
        seconds=15,
        what="the paused standby to lag",
    )
    db_router.forget_replica_status()
    ids, replica_reads = listed_ids(bearer_client(owner))
    assert ids == [expense.pk]
    assert replica_reads == 0
    assert db_router.replica_status().usable is False


def as_postgres(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


@pytest.mark.skipif(not PGDATA, reason="set REPLICA_TEST_PGDATA to stop and start the standby")
def test_a_stopped_standby_is_skipped_and_reads_fall_back_to_the_primary():
    owner = UserFactory()
    expense = ExpenseFactory(owner=owner)
    pg_ctl = str(sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1])
    stop = as_postgres(pg_ctl, "-D", PGDATA, "-m", "fast", "-w", "stop")
    subprocess.run(stop, check=True, capture_output=True)  # noqa: S603 - PostgreSQL's own pg_ctl
    try:
        connections[db_router.REPLICA].close()
        db_router.forget_replica_status()
        # (Capturing the replica's queries would connect to it: the page answering at all is the proof here.)
        response = bearer_client(owner).get(reverse("expenses_api:expense-list"))
        assert response.status_code == HTTPStatus.OK
        assert [row["id"] for row in response.json()["results"]] == [expense.pk]
        assert db_router.replica_status().lag_seconds is None
    finally:
        subprocess.run(  # noqa: S603 - PostgreSQL's own pg_ctl
            as_postgres(pg_ctl, "-D", PGDATA, "-l", f"{PGDATA}/server.log", "-w", "start"),
            check=True,
            capture_output=True,
        )
    db_router.forget_replica_status()
    wait_until(lambda: db_router.replica_status(fresh=True).usable, what="the restarted standby")
