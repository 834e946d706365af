"""Reads of reports, exports, dashboards and list pages from the read replica; everything else from the primary.

The rules, in the order they are checked for each read:

1. Only a GET or HEAD request to one of `REPLICA_VIEWS` may read from the replica (the middleware below marks
   it); commands, jobs, writes and every other page read the primary.
2. A user who changed data in the last `READ_YOUR_WRITES_SECONDS` reads from the primary (read-your-writes; the
   stamp is kept in the shared cache by mealtracker/write_stamps.py).
3. Inside a transaction on the primary (`transaction.atomic`, `select_for_update`), reads stay on the primary.
4. A replica that cannot be reached, or that lags by more than `DATABASE_REPLICA_MAX_LAG_SECONDS`, is skipped:
   reads fall back to the primary. The verdict is kept for `DATABASE_REPLICA_CHECK_SECONDS` per process, so the
   check costs one query every few seconds, not one per request.
5. A request that read from the replica and failed with a 503 (the replica went away since the last check) has
   the replica checked again at once; when it is down the request is served again from the primary, so a replica
   stopping costs its in-flight reads a retry, not an error.

Writes and migrations always go to the primary.
"""

import contextlib
import logging
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, connections

from mealtracker import write_stamps

logger = logging.getLogger(__name__)

REPLICA = "replica"
SAFE_METHODS = {"GET", "HEAD"}
# URL names whose GET reads may come from the replica: reports, exports, dashboards and list pages.
REPLICA_VIEWS = frozenset(
    {
        "home",
        "reports",
        "expense_list",
        "expense_calendar",
        "team_expense_list",
        "restaurant_list",
        "trip_list",
        "balances",
        "budget_list",
        "restaurant_export",
        "merchant_export",
        "expenses_api:expense-list",
        "expenses_api:restaurant-list",
        "expenses_api:balance-list",
        "expenses_api:share-list",
        "reports_api:report",
        "reports_api:export-expenses",
        "reports_api:export-report",
        "reports_api:export-summary",
        "reports_api:export-restaurants",
        "reports_api:export-merchants",
        "reports_api:export-my-data",
    }
)

_replica_reads = ContextVar("replica_reads", default=False)

# Seconds of replay lag, or None when the replica did not answer. On a server that is not in recovery (the primary
# itself under a second name, as in tests) the lag is 0. When everything received has been replayed the replica is
# current, however long ago its last transaction was.
LAG_SQL = """
    SELECT CASE
        WHEN NOT pg_is_in_recovery() THEN 0
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
    END
"""


@dataclass(frozen=True)
class ReplicaStatus:
    usable: bool
    lag_seconds: float | None  # None: not reachable
    checked_at: float


_status: ReplicaStatus | None = None
_status_lock = threading.Lock()


def replica_configured() -> bool:
    return bool(getattr(settings, "DATABASE_REPLICA_ENABLED", False)) and REPLICA in connections.settings


def replica_lag_seconds() -> float | None:
    """Ask the replica how far behind it is; None when it cannot be reached."""
    replica = connections[REPLICA]
    try:
        try:
            return _ask_lag(replica)
        except InterfaceError:
            # A kept connection the server closed (the replica restarted or stopped): ask again on a new one.
            _close(replica)
            return _ask_lag(replica)
    except (DatabaseError, InterfaceError) as exc:
        logger.warning("Read replica unavailable, reading from the primary: %s", exc)
        _close(replica)  # the next check reconnects
        return None


def _ask_lag(replica) -> float:
    with replica.cursor() as cursor:
        cursor.execute(LAG_SQL if replica.vendor == "postgresql" else "SELECT 0")
        return max(float(cursor.fetchone()[0]), 0.0)


def _close(replica) -> None:
    with contextlib.suppress(DatabaseError, InterfaceError):
        replica.close()


def replica_status(*, fresh: bool = False) -> ReplicaStatus:
    """The replica's verdict, checked at most every DATABASE_REPLICA_CHECK_SECONDS per process."""
    global _status
    now = time.monotonic()
    current = _status
    if not fresh and current and now - current.checked_at < settings.DATABASE_REPLICA_CHECK_SECONDS:
        return current
    with _status_lock:
        lag = replica_lag_seconds()
        usable = lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS
        if lag is not None and not usable:
            logger.warning("Read replica lags by %.1f s, reading from the primary", lag)
        _status = ReplicaStatus(usable=usable, lag_seconds=lag, checked_at=time.monotonic())
        return _status


def forget_replica_status() -> None:
    """Drop the kept verdict (tests, and after changing the replica's settings)."""
    global _status
    _status = None


@contextlib.contextmanager
def replica_reads():
    """Let the reads inside this block come from the replica (subject to the rules above)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class PrimaryReplicaRouter:
    """Database router: see the module docstring for the rules."""

    def db_for_read(self, model, **hints):
        if not _replica_reads.get() or not replica_configured():
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA if replica_status().usable else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows: objects from either may be related

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def requester_id(request):
    """The signed-in user's id without a query where possible (a bearer token is read, not looked up)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Bearer "):
        from rest_framework_simplejwt.exceptions import TokenError
        from rest_framework_simplejwt.tokens import AccessToken

        try:
            return AccessToken(header.removeprefix("Bearer ").strip())["user_id"]
        except (TokenError, KeyError):
            return None
    return None


class ReplicaReadsMiddleware:
    """Marks the requests whose reads may use the replica, and records each user's writes (read-your-writes)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._respond(request)
        if (
            response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
            and getattr(request, "_read_from_replica", False)
            and not replica_status(fresh=True).usable
        ):
            logger.warning("Read replica went away during %s; serving it from the primary", request.path)
            response = self._respond(request)  # a GET or HEAD: safe to serve again; the router now picks the primary
        if request.method not in SAFE_METHODS and response.status_code < 400:
            user_id = requester_id(request)
            if user_id:
                team_id = getattr(getattr(request, "user", None), "team_id", None)
                write_stamps.data_changed(user_ids=[user_id], team_ids=[team_id])
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in SAFE_METHODS or not replica_configured():
            return None
        match = request.resolver_match
        if match is None or match.view_name not in REPLICA_VIEWS:
            return None
        if write_stamps.wrote_recently(requester_id(request)):
            return None
        request._replica_reads_token = _replica_reads.set(True)
        request._read_from_replica = True
        return None

    def _respond(self, request):
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_replica_reads_token", None)
            if token is not None:
                _replica_reads.reset(token)
                request._replica_reads_token = None
