"""`make loadtest`: gunicorn with production settings against PostgreSQL, 50 users for 60 s, one database restart.

Loopback only and bounded in time. Each simulated user loops over a mixed workload (list, create with an
Idempotency-Key, a report, a CSV export). A create that gets a 503 or loses its connection is retried with the
same key, the way a client honouring Retry-After would; a create counts as acknowledged once it gets a 2xx.
At the end every acknowledged create must be in the database exactly once, and no row may exist twice.

    python bench/loadtest.py [--users 50] [--seconds 60] [--restart-at 25] [--no-restart]
"""

import argparse
import datetime
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "loadtest.json"
DB_NAME = "mealtracker_loadtest"
PORT = int(os.environ.get("LOADTEST_PORT", "8765"))
ENV = {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "DEBUG": "false",
    "SECRET_KEY": "loadtest-" + uuid.uuid4().hex * 2,
    "FIELD_ENCRYPTION_KEY": "loadtest-" + uuid.uuid4().hex * 2,
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "API_THROTTLE_USER": "1000000/hour",
    "LOG_LEVEL": "ERROR",
}
WORKLOAD = [("list", 50), ("create", 25), ("report", 15), ("export", 10)]
PG_RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else None


def prepare(users: int) -> list[str]:
    """A fresh database with a little data and `users` members; returns one access token per user."""
    subprocess.run(
        ["psql", "-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c",
         f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)', "-c", f'CREATE DATABASE "{DB_NAME}"'],
        check=True, timeout=60,
    )  # fmt: skip
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mealtracker.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework_simplejwt.tokens import RefreshToken

    from accounts.models import User
    from bench.load import load

    call_command("migrate", "--noinput", verbosity=0)
    call_command("createcachetable", verbosity=0)
    load(rows=users * 200, users=users, teams=max(1, users // 10), restaurants=users * 5, log=lambda _: None)
    members = User.objects.filter(email__endswith="@bench.test").order_by("id")[:users]
    tokens = [str(RefreshToken.for_user(user).access_token) for user in members]
    from django.db import connections

    connections.close_all()
    return tokens


def start_gunicorn() -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "mealtracker.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
        "--workers", "3", "--threads", "8", "--worker-class", "gthread", "--timeout", "30",
        "--graceful-timeout", "5", "--log-level", "warning",
    ]  # fmt: skip
    log = open("/tmp/loadtest-gunicorn.log", "w")  # noqa: SIM115 - gunicorn writes to it until it stops
    server = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **ENV}, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", PORT), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


class User(threading.Thread):
    def __init__(self, token: str, stop_at: float, started: float, rng: random.Random):
        super().__init__(daemon=True)
        self.token, self.stop_at, self.started, self.rng = token, stop_at, started, rng
        self.samples: list[tuple] = []  # (seconds since start, operation, status, milliseconds)
        self.acknowledged: list[str] = []  # notes (= idempotency keys) of creates that got a 2xx
        self.bad_bodies: list[str] = []
        self.connection = None

    def request(self, method: str, path: str, body=None, headers=None):
        headers = {"Authorization": f"Bearer {self.token}", "Host": "127.0.0.1", **(headers or {})}
        if body is not None:
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
        begun = time.perf_counter()
        for attempt in range(2):
            reused = self.connection is not None
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=15)
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                payload = response.read()
                status, content_type = response.status, response.getheader("Content-Type", "")
                retry_after = response.getheader("Retry-After")
                break
            except (OSError, http.client.HTTPException):
                self.connection = None
                status, payload, content_type, retry_after = 0, b"", "", None  # connection-level failure
                if not (reused and attempt == 0):
                    break  # a fresh connection failed: a real error; a kept-alive one the server closed: retry
        return status, payload, content_type, retry_after, (time.perf_counter() - begun) * 1000

    def record(self, operation, status, elapsed, payload, content_type, retry_after):
        self.samples.append((time.monotonic() - self.started, operation, status, elapsed))
        if status >= 500 and (content_type != "application/problem+json" or b"Traceback" in payload or
                              (status == 503 and not retry_after)):  # fmt: skip
            self.bad_bodies.append(f"{status} {content_type} {payload[:200]!r}")

    def create(self):
        key = f"loadtest-{uuid.uuid4()}"
        body = {
            "amount": f"{self.rng.randint(5, 80)}.{self.rng.randint(0, 99):02d}", "currency": "USD",
            "occurred_at": datetime.datetime.now(datetime.UTC).isoformat(), "meal_type": "lunch", "party_size": 1,
            "notes": key,
        }  # fmt: skip
        for attempt in range(20):  # retry the same key until acknowledged (bounded by the run's end + 15 s)
            status, payload, content_type, retry_after, elapsed = self.request(
                "POST", "/api/v1/expenses/", body, {"Idempotency-Key": key}
            )
            self.record("create", status, elapsed, payload, content_type, retry_after)
            if 200 <= status < 300:
                self.acknowledged.append(key)
                return
            if status not in (0, 502, 503, 504) or time.monotonic() > self.stop_at + 15:
                return
            time.sleep(min(float(retry_after or 1), 2) * (1 + attempt / 10))

    def run(self):
        paths = {
            "list": "/api/v1/expenses/?page_size=25",
            "report": "/api/v1/reports/totals/?period=month",
            "export": f"/api/v1/exports/expenses.csv?date_from={datetime.date.today() - datetime.timedelta(days=30)}",
        }  # fmt: skip
        operations, weights = zip(*WORKLOAD, strict=True)
        while time.monotonic() < self.stop_at:
            operation = self.rng.choices(operations, weights)[0]
            if operation == "create":
                self.create()
                continue
            status, payload, content_type, retry_after, elapsed = self.request("GET", paths[operation])
            self.record(operation, status, elapsed, payload, content_type, retry_after)
            if status in (0, 503):
                time.sleep(0.5)


def restart_postgres(started: float, at: float, events: dict):
    time.sleep(at)
    events["restart_begin"] = time.monotonic() - started
    result = subprocess.run(PG_RESTART, capture_output=True, text=True, timeout=60)
    events["restart_end"] = time.monotonic() - started
    events["restart_rc"] = result.returncode
    events["restart_stderr"] = result.stderr[-500:]


def verify_writes(acknowledged: list[str]) -> dict:
    from django.db import connection

    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes, count(*) FROM expenses_expense WHERE notes LIKE 'loadtest-%%' GROUP BY notes")
        stored = dict(cursor.fetchall())
    missing = [key for key in acknowledged if key not in stored]
    duplicated = {key: n for key, n in stored.items() if n > 1}
    return {
        "acknowledged_creates": len(acknowledged),
        "rows_in_database": sum(stored.values()),
        "lost": len(missing),
        "duplicated": len(duplicated),
        "unacknowledged_but_stored": len(set(stored) - set(acknowledged)),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--restart-at", type=float, default=25)
    parser.add_argument("--no-restart", action="store_true")
    args = parser.parse_args()

    print(f"preparing {DB_NAME} with {args.users} users ...", flush=True)
    tokens = prepare(args.users)
    server = start_gunicorn()
    try:
        started = time.monotonic()
        stop_at = started + args.seconds
        users = [User(token, stop_at, started, random.Random(n)) for n, token in enumerate(tokens)]
        events: dict = {}
        restarter = None
        if not args.no_restart:
            restarter = threading.Thread(target=restart_postgres, args=(started, args.restart_at, events), daemon=True)
            restarter.start()
        for user in users:
            user.start()
        for user in users:
            user.join(timeout=args.seconds + 60)
        if restarter:
            restarter.join(timeout=60)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()

    samples = [s for user in users for s in user.samples]
    acknowledged = [key for user in users for key in user.acknowledged]
    ok = [s for s in samples if 200 <= s[2] < 300]
    failures = [s for s in samples if not 200 <= s[2] < 300]
    server_errors = [s for s in samples if s[2] >= 500 and s[2] != 503]
    unavailable = [s for s in samples if s[2] == 503]
    connection_errors = [s for s in samples if s[2] == 0]
    window = (min(s[0] for s in failures), max(s[0] for s in failures)) if failures else None
    result = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "users": args.users,
        "seconds": args.seconds,
        "server": "gunicorn gthread, 3 workers x 8 threads, production settings (DEBUG=false), PostgreSQL 15 loopback",
        "requests": len(samples),
        "throughput_rps": round(len(samples) / args.seconds, 1),
        "status_counts": {str(k): sum(1 for s in samples if s[2] == k) for k in sorted({s[2] for s in samples})},
        "server_errors_other_than_503": len(server_errors),
        "responses_503": len(unavailable),
        "connection_errors": len(connection_errors),
        "bad_error_bodies": sorted({b for user in users for b in user.bad_bodies})[:5],
        "p50_ms": round(statistics.median(s[3] for s in ok), 1) if ok else None,
        "p95_ms": round(percentile([s[3] for s in ok], 0.95), 1) if ok else None,
        "p95_ms_by_operation": {
            op: round(percentile([s[3] for s in ok if s[1] == op], 0.95), 1)
            for op, _ in WORKLOAD
            if any(s[1] == op for s in ok)
        },
        "postgres_restart": events,
        "error_window_s": [round(window[0], 2), round(window[1], 2)] if window else None,
        "error_window_length_s": round(window[1] - window[0], 2) if window else 0,
        "recovered_after_restart_s": (
            round(window[1] - events["restart_end"], 2) if window and "restart_end" in events else None
        ),
        "writes": verify_writes(acknowledged),
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    passed = (
        not server_errors
        and not result["bad_error_bodies"]
        and result["writes"]["lost"] == 0
        and result["writes"]["duplicated"] == 0
        and (args.no_restart or events.get("restart_rc") == 0)
    )
    print("PASS" if passed else "FAIL")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
