"""Throughput and start-up of the app served over HTTP the way production runs it: gunicorn, 2 sync workers,
production settings (bench/run.py's PRODUCTION_ENV) against the loaded bench database, with the Redis cache.

Measures, against targets on 2 cores:
- process start to first 200: from spawning gunicorn to the first 200 of an authenticated `GET /api/v1/auth/me/`
  (target ≤ 800 ms);
- throughput of 8 client threads (keep-alive `http.client` connections; a sync worker closes each connection after
  its answer, so the client opens a new one then) for PHASE_SECONDS after a WARMUP_SECONDS warm-up, per phase: the
  expense list's first page (≥ 250 req/s), the member's 12-month report summary (≥ 400 req/s) and `auth/me`, the
  cheapest authenticated GET; requests/s, p50/p95 latency, answers other than 200, the workers' CPU per request,
  and the medians the app logs itself (time inside Django, SQL time and queries: no queueing in gunicorn);
- worker RSS steady: VmRSS of each worker after the phases (≤ 80 MiB);
- a worker's start alone, in a fresh interpreter doing what a gunicorn worker does: import time and RSS after
  importing `mealtracker.wsgi`, then time and RSS after its first request.

    python bench/throughput.py [--seconds 20] [--warmup 2] [--threads 8]   # prints one JSON object

`throughput(log)` returns the same figures as a dict.
"""

import argparse
import datetime
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import PRODUCTION_ENV  # noqa: E402 - needs ROOT on sys.path

# Staging and production run with a Redis cache (ElastiCache); database 9 keeps the bench's keys apart.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
SERVER_ENV = {**PRODUCTION_ENV, "REDIS_URL": REDIS_URL}
MEMBER_EMAIL = "user51@bench.test"
WORKERS = 2
THREADS = 8
PHASE_SECONDS = 20.0
WARMUP_SECONDS = 2.0
TARGETS = {
    "throughput_list_rps": (">=", 250),
    "throughput_report_rps": (">=", 400),
    "worker_rss_mib": ("<=", 80),
    "start_to_first_200_ms": ("<=", 800),
}

# A fresh interpreter importing the WSGI app and answering one request through it, as a gunicorn worker does after
# the fork (no --preload); prints one JSON line.
WORKER_START_PROBE = r"""
import io, json, re, sys, time
started = time.perf_counter()
def rss():
    status = open("/proc/self/status").read()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) / 1024
import mealtracker.wsgi
imported = time.perf_counter()
after_import = rss()
modules_after_import = len(sys.modules)
environ = {
    "REQUEST_METHOD": "GET", "PATH_INFO": "/api/v1/auth/me/", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
    "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1",
    "HTTP_AUTHORIZATION": "Bearer " + sys.argv[1], "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http",
    "wsgi.errors": sys.stderr,
}
statuses = []
begun = time.perf_counter()
b"".join(mealtracker.wsgi.application(environ, lambda status, headers, exc_info=None: statuses.append(status)))
answered = time.perf_counter()
print(json.dumps({
    "status": statuses[0], "import_ms": round((imported - started) * 1000, 1),
    "first_request_ms": round((answered - begun) * 1000, 1), "rss_after_import_mib": round(after_import, 1),
    "rss_after_first_request_mib": round(rss(), 1), "modules_after_import": modules_after_import,
    "modules_after_first_request": len(sys.modules),
}))
"""


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def member_token() -> str:
    """An access token for the bench member, signed with the production settings' key. AccessToken.for_user makes
    the same access token as RefreshToken.for_user(user).access_token without storing a refresh token."""
    from django.conf import settings

    if not settings.configured:
        os.environ.update(PRODUCTION_ENV)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mealtracker.settings")
        import django

        django.setup()
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.models import User

    token = str(AccessToken.for_user(User.objects.get(email=MEMBER_EMAIL)))
    from django.db import connections

    connections.close_all()
    return token


def report_path() -> str:
    """The member's summary over the last 12 months, the range bench/run.py uses for its report totals."""
    today = datetime.date.today()  # noqa: DTZ011 - the local date, as bench/run.py takes it
    year_ago = (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    return f"/api/v1/reports/summary/?date_from={year_ago}&date_to={today}"


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if int((entry / "stat").read_text().rpartition(")")[2].split()[1]) == pid:
                        found.append(int(entry.name))
                except (OSError, IndexError, ValueError):
                    continue
        return found


def rss_mib(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, flags=re.MULTILINE)
    return round(int(match.group(1)) / 1024, 1) if match else None


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return total


def get(connection: http.client.HTTPConnection, path: str, token: str) -> int:
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}", "Host": "127.0.0.1"})
    response = connection.getresponse()
    response.read()
    if response.will_close:
        connection.close()  # http.client opens a new connection for the next request
    return response.status


def start_gunicorn(port: int, stdout, stderr) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "mealtracker.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS), "--log-level", "warning",
    ]  # fmt: skip
    environment = {**os.environ, **SERVER_ENV}
    return subprocess.Popen(  # noqa: S603 - our own gunicorn on loopback
        command, cwd=ROOT, env=environment, stdout=stdout, stderr=stderr
    )


def first_200(server: subprocess.Popen, port: int, token: str, spawned: float, timeout: float = 60) -> float:
    """Milliseconds from `spawned` to the first 200 of `auth/me`; asks again every 5 ms until then."""
    deadline = spawned + timeout
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            if get(connection, "/api/v1/auth/me/", token) == 200:
                return (time.perf_counter() - spawned) * 1000
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()
        time.sleep(0.005)
    raise RuntimeError("no 200 from gunicorn in time")


class Client(threading.Thread):
    def __init__(self, port: int, path: str, token: str, until: float, record_from: float):
        super().__init__(daemon=True)
        self.port, self.path, self.token, self.until, self.record_from = port, path, token, until, record_from
        self.latencies_ms: list[float] = []
        self.statuses: dict[int, int] = {}

    def run(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while (begun := time.perf_counter()) < self.until:
            try:
                status = get(connection, self.path, self.token)
            except (OSError, http.client.HTTPException):
                connection.close()
                status = 0  # the connection failed
            if begun >= self.record_from:
                self.latencies_ms.append((time.perf_counter() - begun) * 1000)
                self.statuses[status] = self.statuses.get(status, 0) + 1
        connection.close()


def server_side(metrics_log: Path, start: int, end: int) -> dict:
    """Medians of what the app measured itself for the requests logged between byte offsets `start` and `end` of its
    metrics lines (mealtracker/metrics.py): time inside Django, SQL time and queries, without gunicorn's queue."""
    with metrics_log.open("rb") as lines:
        lines.seek(start)
        chunk = lines.read(end - start).decode(errors="replace")
    records = []
    for line in chunk.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and "Latency" in record and "DBTime" in record:
            records.append(record)
    if not records:
        return {}
    return {
        "server_ms_p50": round(statistics.median(r["Latency"] for r in records), 1),
        "server_sql_ms_p50": round(statistics.median(r["DBTime"] for r in records), 1),
        "server_queries_p50": statistics.median(r["DBQueries"] for r in records),
    }


def phase(
    port: int, path: str, token: str, workers: list[int], metrics_log: Path, *, seconds: float, warmup: float,
    threads: int,
):  # fmt: skip
    started = time.perf_counter()
    record_from, until = started + warmup, started + warmup + seconds
    clients = [Client(port, path, token, until, record_from) for _ in range(threads)]
    for client in clients:
        client.start()
    time.sleep(max(record_from - time.perf_counter(), 0))
    cpu_before, logged_before = cpu_seconds(workers), metrics_log.stat().st_size
    for client in clients:
        client.join(timeout=warmup + seconds + 60)
    cpu_used = cpu_seconds(workers) - cpu_before
    server = server_side(metrics_log, logged_before, metrics_log.stat().st_size)
    latencies = [ms for client in clients for ms in client.latencies_ms]
    statuses: dict[int, int] = {}
    for client in clients:
        for status, count in client.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    return {
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "requests": len(latencies),
        "non_200": sum(count for status, count in statuses.items() if status != 200),
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "worker_cpu_ms_per_request": round(cpu_used * 1000 / len(latencies), 2) if latencies else None,
        **server,
    }


def worker_start(token: str) -> dict:
    """Import time and RSS of a fresh interpreter loading the app, then after its first request (`auth/me`)."""
    result = subprocess.run(  # noqa: S603 - our interpreter and our probe
        [sys.executable, "-c", WORKER_START_PROBE, token], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, **SERVER_ENV, "DJANGO_SETTINGS_MODULE": "mealtracker.settings", "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def throughput(log, *, seconds: float = PHASE_SECONDS, warmup: float = WARMUP_SECONDS, threads: int = THREADS) -> dict:
    token = member_token()
    phases = {"list": "/api/v1/expenses/", "report": report_path(), "me": "/api/v1/auth/me/"}
    results: dict = {}
    probe = worker_start(token)
    results.update({f"worker_start_{key}": value for key, value in probe.items() if key != "status"})
    log(
        f"worker start (fresh interpreter): import {probe['import_ms']} ms, RSS {probe['rss_after_import_mib']} MiB; "
        f"first request {probe['first_request_ms']} ms ({probe['status']}), RSS {probe['rss_after_first_request_mib']} "
        "MiB"
    )
    port = free_port()
    with (
        tempfile.NamedTemporaryFile("w+", prefix="throughput-gunicorn-", suffix=".log") as errors,
        tempfile.NamedTemporaryFile("w+", prefix="throughput-metrics-", suffix=".log") as metrics,
    ):
        spawned = time.perf_counter()
        server = start_gunicorn(port, metrics, errors)
        try:
            results["start_to_first_200_ms"] = round(first_200(server, port, token, spawned), 1)
            log(f"process start to first 200: {results['start_to_first_200_ms']} ms")
            time.sleep(1.0)  # both workers up
            workers = children(server.pid)
            results["worker_rss_after_first_200_mib"] = [rss_mib(pid) for pid in workers]
            for name, path in phases.items():
                figures = phase(
                    port, path, token, workers, Path(metrics.name), seconds=seconds, warmup=warmup, threads=threads
                )
                results.update({f"throughput_{name}_{key}": value for key, value in figures.items()})
                log(
                    f"{name:<7} {figures['rps']:>7.1f} req/s  p50 {figures['p50_ms']} ms  p95 {figures['p95_ms']} ms  "
                    f"non-200 {figures['non_200']}  worker CPU {figures['worker_cpu_ms_per_request']} ms/request  "
                    f"in Django p50 {figures.get('server_ms_p50')} ms (SQL {figures.get('server_sql_ms_p50')} ms, "
                    f"{figures.get('server_queries_p50')} queries)  ({path})"
                )
            worker_rss = [rss_mib(pid) for pid in children(server.pid)]
            results["worker_rss_per_worker_mib"] = worker_rss
            results["worker_rss_mib"] = max((rss for rss in worker_rss if rss is not None), default=None)
            log(f"worker RSS steady: {worker_rss} MiB")
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=5)
            errors.seek(0)
            tail = errors.read()[-2000:]
        if tail.strip():
            results["gunicorn_stderr_tail"] = tail
    results["met"] = {
        key: (results.get(key) is not None and (results[key] >= bound if op == ">=" else results[key] <= bound))
        for key, (op, bound) in TARGETS.items()
    }
    results["setup"] = {
        "server": f"gunicorn {WORKERS} sync workers, production settings, Redis cache ({REDIS_URL}), PostgreSQL "
        "on loopback",
        "client": f"{threads} threads, {warmup:g} s warm-up then {seconds:g} s a phase, in one process on the same "
        "machine",
        "cores": os.cpu_count(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=PHASE_SECONDS, help="measured seconds a phase")
    parser.add_argument("--warmup", type=float, default=WARMUP_SECONDS, help="seconds of warm-up before each phase")
    parser.add_argument("--threads", type=int, default=THREADS, help="client threads")
    args = parser.parse_args()
    results = throughput(
        lambda message: print(message, file=sys.stderr, flush=True),
        seconds=args.seconds,
        warmup=args.warmup,
        threads=args.threads,
    )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
