"""`make loadtest`: gunicorn with production settings against a PostgreSQL primary, a streaming read replica and a
Redis cache, all on loopback; the replica is stopped for a window and Redis is restarted during the run.

Loopback only and bounded in time. Each simulated user loops over a mixed workload (list, create with an
Idempotency-Key, a report, a CSV export). A create that gets a 503 or loses its connection is retried with the
same key, the way a client honouring Retry-After would; a create counts as acknowledged once it gets a 2xx.

The replica is a hot standby of the primary (scripts/replica-standby.sh, port LOADTEST_REPLICA_PORT, default
5434) and Redis a private redis-server (port LOADTEST_REDIS_PORT, default 6390), so the shared PostgreSQL and Redis
are never restarted. With `--primary-restart-at` the primary itself is restarted too (only on a machine of your own).

Pass criteria, enforced by the exit status:
- no 5xx outside the outage windows (each window runs from the outage's start to `GRACE_SECONDS` after its end),
  and no 5xx other than a 503 problem with Retry-After even inside them;
- reads keep succeeding while the replica is down (they fall back to the primary);
- no lost writes: every acknowledged create is in the primary exactly once, and no row exists twice.
p95 is reported per path.

    LOADTEST_USERS=200 LOADTEST_SECONDS=60 python bench/loadtest.py [--replica-stop-at S] [--replica-stop-for S]
        [--redis-restart-at S] [--no-outages] [--primary-restart-at S]
"""

import argparse
import datetime
import http.client
import json
import os
import random
import shutil
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
PATHS = {
    "list": "/api/v1/expenses/?page_size=25",
    "create": "/api/v1/expenses/",
    "report": "/api/v1/reports/totals/?period=month",
    "export": "/api/v1/exports/expenses.csv?date_from={month_ago}",
}
PG_RESTART = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]
REPLICA_PORT = int(os.environ.get("LOADTEST_REPLICA_PORT", "5434"))
REPLICA_DIR = Path(os.environ.get("LOADTEST_REPLICA_DIR", "/tmp/mealtracker-loadtest-replica"))
REDIS_PORT = int(os.environ.get("LOADTEST_REDIS_PORT", "6390"))
# A 5xx this long after an outage ended still belongs to it: the replica's verdict is kept for
# DATABASE_REPLICA_CHECK_SECONDS (5) and a connection attempt waits up to its connect timeout (2).
GRACE_SECONDS = 10.0
# Every fourth user only reads (a manager looking at reports): a user who writes reads the primary for
# READ_YOUR_WRITES_SECONDS after each write, so without readers the replica would serve almost nothing.
READER_EVERY = 4
METRICS_LOG = Path("/tmp/loadtest-metrics.log")
SAMPLES_LOG = Path("/tmp/loadtest-samples.json")  # (seconds into the run, operation, status, milliseconds)


def server_side_figures() -> dict:
    """Per route, from the metrics each successful request logs (mealtracker/metrics.py): mean latency, SQL time and
    queries, measured inside the server (no queueing in gunicorn or the client)."""
    routes: dict[str, list] = {}
    for line in METRICS_LOG.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "Route" in record and "DBTime" in record and record.get("status", 500) < 300:
            method = "POST" if record.get("status") == 201 else "GET"  # the list and create share a route
            routes.setdefault(f"{method} {record['Route']}", []).append(record)
    return {
        route: {
            "requests": len(records),
            "mean_latency_ms": round(statistics.fmean(r["Latency"] for r in records), 1),
            "mean_sql_ms": round(statistics.fmean(r["DBTime"] for r in records), 1),
            "mean_queries": round(statistics.fmean(r["DBQueries"] for r in records), 1),
        }
        for route, records in sorted(routes.items())
    }


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


def start_replica() -> None:
    """A hot standby of the primary on REPLICA_PORT (after `prepare`, so it holds the load-test database)."""
    result = subprocess.run(
        [str(ROOT / "scripts" / "replica-standby.sh"), "start", str(REPLICA_DIR), str(REPLICA_PORT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"the read replica did not start: {result.stderr.strip()}")
    ENV["DATABASE_REPLICA_URL"] = f"postgres://postgres@127.0.0.1:{REPLICA_PORT}/{DB_NAME}"


def pg_ctl(action: str) -> subprocess.CompletedProcess:
    pgbin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    command = [str(pgbin / "pg_ctl"), "-D", str(REPLICA_DIR), "-w", "-t", "60", "-m", "fast", "-l",
               str(REPLICA_DIR / "server.log"), action]  # fmt: skip
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=90)


def stop_replica() -> None:
    subprocess.run([str(ROOT / "scripts" / "replica-standby.sh"), "stop", str(REPLICA_DIR)], timeout=60, check=False)


def start_redis() -> subprocess.Popen:
    """A private redis-server for this run (no persistence), so restarting it disturbs nobody else's."""
    server = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", REDIS_PORT), timeout=0.5):
                ENV["REDIS_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"redis-server did not start on port {REDIS_PORT}")


def replica_transactions_count() -> int | None:
    """Transactions the replica has served in the load-test database since it (re)started; None when it is down."""
    result = subprocess.run(
        ["psql", "-X", "-Atq", "-h", "127.0.0.1", "-p", str(REPLICA_PORT), "-U", "postgres", "-d", DB_NAME, "-c",
         "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    return int(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip().isdigit() else None


def counted_since(before: int | None, now: int | None) -> int | None:
    if now is None:
        return None
    return now - before if before is not None and now >= before else now


def redis_hits_and_misses() -> tuple[int, int]:
    import redis

    try:
        stats = redis.Redis(host="127.0.0.1", port=REDIS_PORT, socket_timeout=2).info("stats")
    except redis.RedisError:
        return 0, 0
    return stats["keyspace_hits"], stats["keyspace_misses"]


def start_gunicorn() -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "mealtracker.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
        "--workers", "3", "--threads", "8", "--worker-class", "gthread", "--timeout", "30",
        "--graceful-timeout", "5", "--log-level", "warning",
    ]  # fmt: skip
    log = open("/tmp/loadtest-gunicorn.log", "w")  # noqa: SIM115 - gunicorn writes to it until it stops
    metrics = open(METRICS_LOG, "w")  # noqa: SIM115 - the EMF lines each request prints
    environment = {**os.environ, **ENV, "PYTHONUNBUFFERED": "1"}  # every metric line in the log as it is written
    server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=metrics, stderr=log)
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
    def __init__(self, token: str, stop_at: float, started: float, rng: random.Random, *, reader: bool = False):
        super().__init__(daemon=True)
        self.token, self.stop_at, self.started, self.rng = token, stop_at, started, rng
        self.reader = reader  # only reads: never in the read-your-writes window, so served by the replica
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
        month_ago = datetime.date.today() - datetime.timedelta(days=30)
        paths = {operation: path.format(month_ago=month_ago) for operation, path in PATHS.items()}
        operations, weights = zip(*[(op, w) for op, w in WORKLOAD if not (self.reader and op == "create")], strict=True)
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
    events["begin"] = time.monotonic() - started
    result = subprocess.run(PG_RESTART, capture_output=True, text=True, timeout=60)
    events["end"] = time.monotonic() - started
    events["rc"] = result.returncode
    events["stderr"] = result.stderr[-500:]


def stop_replica_for(started: float, at: float, seconds: float, events: dict):
    """Stop the standby at `at`, start it again `seconds` later."""
    time.sleep(at)
    events["replica_transactions_before_stop"] = replica_transactions_count()
    events["begin"] = time.monotonic() - started
    stopped = pg_ctl("stop")
    time.sleep(max(seconds - (time.monotonic() - started - events["begin"]), 0))
    restarted = pg_ctl("start")
    events["end"] = time.monotonic() - started
    events["rc"] = stopped.returncode or restarted.returncode
    events["stderr"] = (stopped.stderr + restarted.stderr)[-500:]


def restart_redis(started: float, at: float, state: dict, events: dict):
    """Kill the private redis-server at `at` (its data is gone: every key a miss) and start a new one."""
    time.sleep(at)
    state["hits_before_restart"] = redis_hits_and_misses()
    events["begin"] = time.monotonic() - started
    state["server"].kill()
    state["server"].wait(timeout=10)
    time.sleep(1)  # a second with nothing listening: connections are refused, not just dropped
    state["server"] = start_redis()
    events["end"] = time.monotonic() - started
    events["rc"] = 0


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


def in_windows(moment: float, windows: list[tuple[float, float]]) -> bool:
    return any(begin <= moment <= end + GRACE_SECONDS for begin, end in windows)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOADTEST_USERS", "50")))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOADTEST_SECONDS", "30")))
    parser.add_argument("--replica-stop-at", type=float, help="seconds into the run (default: a fifth of it)")
    parser.add_argument("--replica-stop-for", type=float, help="seconds (default: a fifth of the run)")
    parser.add_argument("--redis-restart-at", type=float, help="seconds into the run (default: two thirds of it)")
    parser.add_argument("--no-outages", action="store_true", help="neither stop the replica nor restart Redis")
    parser.add_argument("--primary-restart-at", type=float, help="also restart the shared primary at this moment")
    args = parser.parse_args()
    replica_at = args.replica_stop_at if args.replica_stop_at is not None else args.seconds / 5
    replica_for = args.replica_stop_for if args.replica_stop_for is not None else args.seconds / 5
    redis_at = args.redis_restart_at if args.redis_restart_at is not None else args.seconds * 2 / 3

    print(f"preparing {DB_NAME} with {args.users} users ...", flush=True)
    tokens = prepare(args.users)
    print(f"starting the replica on {REPLICA_PORT} and Redis on {REDIS_PORT} ...", flush=True)
    start_replica()
    redis_state = {"server": start_redis()}
    server = start_gunicorn()
    events: dict = {"replica_stop": {}, "redis_restart": {}, "primary_restart": {}}
    try:
        started = time.monotonic()
        stop_at = started + args.seconds
        users = [
            User(token, stop_at, started, random.Random(n), reader=n % READER_EVERY == 0)
            for n, token in enumerate(tokens)
        ]
        replica_transactions = {"at_start": replica_transactions_count()}
        disruptions = []
        if not args.no_outages:
            disruptions += [
                threading.Thread(
                    target=stop_replica_for, args=(started, replica_at, replica_for, events["replica_stop"])
                ),
                threading.Thread(target=restart_redis, args=(started, redis_at, redis_state, events["redis_restart"])),
            ]
        if args.primary_restart_at is not None:
            disruptions.append(
                threading.Thread(
                    target=restart_postgres, args=(started, args.primary_restart_at, events["primary_restart"])
                )
            )
        for thread in disruptions:
            thread.daemon = True
            thread.start()
        for user in users:
            user.start()
        for user in users:
            user.join(timeout=args.seconds + 60)
        for thread in disruptions:
            thread.join(timeout=120)
        replica_transactions["at_end"] = replica_transactions_count()
        hits, misses = (
            a + b for a, b in zip(redis_state.get("hits_before_restart", (0, 0)), redis_hits_and_misses(), strict=True)
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        redis_state["server"].kill()
        stop_replica()

    samples = [s for user in users for s in user.samples]
    SAMPLES_LOG.write_text(json.dumps(sorted(samples)))
    acknowledged = [key for user in users for key in user.acknowledged]
    ok = [s for s in samples if 200 <= s[2] < 300]
    failures = [s for s in samples if not 200 <= s[2] < 300]
    server_errors = [s for s in samples if s[2] >= 500 and s[2] != 503]
    unavailable = [s for s in samples if s[2] == 503]
    connection_errors = [s for s in samples if s[2] == 0]
    window = (min(s[0] for s in failures), max(s[0] for s in failures)) if failures else None
    outages = [(e["begin"], e["end"]) for e in events.values() if "end" in e]
    outside = [s for s in samples if (s[2] >= 500 or s[2] == 0) and not in_windows(s[0], outages)]
    replica_window = events["replica_stop"]
    reads_during_replica_stop = [
        s for s in samples
        if s[1] != "create" and "end" in replica_window and replica_window["begin"] + 1 <= s[0] <= replica_window["end"]
    ]  # fmt: skip
    reads_ok_during_replica_stop = sum(1 for s in reads_during_replica_stop if 200 <= s[2] < 300)
    result = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "users": args.users,
        "seconds": args.seconds,
        "server": (
            "gunicorn gthread, 3 workers x 8 threads, production settings (DEBUG=false), PostgreSQL 15 primary and "
            "streaming replica, Redis cache, all on loopback"
        ),
        "requests": len(samples),
        "throughput_rps": round(len(samples) / args.seconds, 1),
        "status_counts": {str(k): sum(1 for s in samples if s[2] == k) for k in sorted({s[2] for s in samples})},
        "server_errors_other_than_503": len(server_errors),
        "responses_503": len(unavailable),
        "connection_errors": len(connection_errors),
        "bad_error_bodies": sorted({b for user in users for b in user.bad_bodies})[:5],
        "p50_ms": round(statistics.median(s[3] for s in ok), 1) if ok else None,
        "p95_ms": round(percentile([s[3] for s in ok], 0.95), 1) if ok else None,
        "p95_ms_by_path": {
            f"{'POST' if op == 'create' else 'GET'} {PATHS[op].split('?')[0]}": round(
                percentile([s[3] for s in ok if s[1] == op], 0.95), 1
            )
            for op, _ in WORKLOAD
            if any(s[1] == op for s in ok)
        },
        "outages": {
            name: {k: round(v, 2) if isinstance(v, float) else v for k, v in e.items()}
            for name, e in events.items()
            if e
        },
        "errors_outside_outage_windows": len(outside),
        "error_window_s": [round(window[0], 2), round(window[1], 2)] if window else None,
        "reads_during_replica_stop": len(reads_during_replica_stop),
        "reads_ok_during_replica_stop": reads_ok_during_replica_stop,
        "replica_transactions": {
            "before_stop": (events["replica_stop"].get("replica_transactions_before_stop") or 0)
            - (replica_transactions["at_start"] or 0),
            # PostgreSQL keeps its counts over a clean stop; they restart from 0 only after a crash.
            "after_restart": counted_since(
                events["replica_stop"].get("replica_transactions_before_stop"), replica_transactions.get("at_end")
            ),
        },
        "cache_hit_ratio": round(hits / (hits + misses), 3) if hits + misses else None,
        "server_side_by_route": server_side_figures(),
        "writes": verify_writes(acknowledged),
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    criteria = {
        "no 5xx or dropped connection outside the outage windows": not outside,
        "no 5xx other than a 503 problem with Retry-After": not server_errors and not result["bad_error_bodies"],
        "the replica served reads before its stop and after its restart": args.no_outages
        or (
            result["replica_transactions"]["before_stop"] > 0
            and (result["replica_transactions"]["after_restart"] or 0) > 0
        ),
        "reads served while the replica is down": args.no_outages
        or (reads_during_replica_stop and reads_ok_during_replica_stop >= 0.9 * len(reads_during_replica_stop)),
        "no acknowledged write lost": result["writes"]["lost"] == 0,
        "no write stored twice": result["writes"]["duplicated"] == 0,
        "outages carried out": all(e.get("rc") == 0 for e in events.values() if e),
    }
    for criterion, met in criteria.items():
        print(f"{'ok  ' if met else 'FAIL'} {criterion}")
    for path, p95 in result["p95_ms_by_path"].items():
        print(f"p95 {p95:8.1f} ms  {path}")
    passed = all(criteria.values())
    print("PASS" if passed else "FAIL")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
