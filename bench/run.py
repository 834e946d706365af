"""`make bench`: load PostgreSQL with a large data set, then time the API's hot paths against targets.

Every request goes through the whole Django stack in this process (URL routing, JWT authentication, throttling
in the database cache, serialisation) with Django's test client, so the figures are the application's own cost
without a network hop. Each report is also answered by hand-written SQL in psql (`\\timing`), and the ratio
app/SQL is printed. The CSV export runs in a child process so its peak RSS is its own; the cold start is a fresh
interpreter running Zappa's real handler until it has answered its first request.

    python bench/run.py --rows 1000000          # what `make bench` runs
    python bench/run.py --rows 100000           # `make bench BENCH_ROWS=100000`
"""

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results" / "latest.json"))
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
DB_NAME = os.environ.get("BENCH_DB", "mealtracker_bench")
STATIC_PLAIN = "django.contrib.staticfiles.storage.StaticFilesStorage"
DATABASE_URL = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DB_NAME}"
PRODUCTION_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "x" * 50,
    "FIELD_ENCRYPTION_KEY": "bench-field-key-" + "y" * 40,
    "ALLOWED_HOSTS": "testserver,127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
    "API_THROTTLE_USER": "1000000/hour",
    "LOG_LEVEL": "WARNING",
    # Staging and production run with a Redis cache (ElastiCache): sessions, throttle counters and report figures
    # live there. Database 9 keeps the bench's keys apart; it is emptied before the measures.
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
}
TARGETS_MS = {  # p95 targets on a 2-core machine with PostgreSQL on loopback (docs/performance.md)
    "list_first_page": 12,
    "list_filtered_page": 25,
    "list_deep_cursor_page": 25,
    "list_deep_cursor_page_100": None,  # no target of its own: four times the default page
    "totals_filtered": 25,
    "fixed_cost_get": 1,  # on the p50: the cheapest authenticated GET, what every request pays
    "report_member_year": 8,
    "report_member_summary": 8,
    "report_member_breakdown": 8,
    "report_team_year": 150,
    "dashboard": 15,
    "expense_list_page": 20,
    "reports_page": 20,
    "json_export_1k": 40,
    "csv_export_100k": 1500,
    "xlsx_export_100k": 10_000,
    "pdf_export_10k": 8000,
    "import_10k": 3000,
    "cold_start": 1500,
}
TARGET_ON_P50 = {"fixed_cost_get"}
EXPORT_RSS_TARGETS_MB = {"csv_export_100k": 120, "xlsx_export_100k": 150, "pdf_export_10k": 150}
CSV_FIRST_BYTE_MS = 300
MAX_RATIO = 1.5


def psql(sql: str, *, database: str = DB_NAME) -> str:
    command = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"]]
    result = subprocess.run(  # noqa: S603 - psql with our own SQL, loopback only
        [*command, "-d", database, "-At"], input=sql, capture_output=True, text=True, timeout=600, check=True
    )
    return result.stdout


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def summary(samples_ms: list[float]) -> dict:
    return {
        "p50_ms": round(statistics.median(samples_ms), 1),
        "p95_ms": round(percentile(samples_ms, 0.95), 1),
        "runs": len(samples_ms),
    }


def fresh_database(log) -> None:
    psql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE);', database="postgres")
    psql(f'CREATE DATABASE "{DB_NAME}";', database="postgres")
    log(f"created database {DB_NAME}")


def setup_django():
    os.environ.update(PRODUCTION_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mealtracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def sql_timing(sql: str, runs: int) -> list[float]:
    """Milliseconds per run of `sql` as psql's \\timing reports it (server plus protocol, no process start)."""
    script = "\\timing on\n" + "\n".join([sql.strip().rstrip(";") + ";"] * runs) + "\n"
    output = psql(script)
    times = [float(m) for m in re.findall(r"^Time: ([0-9.]+) ms", output, flags=re.MULTILINE)]
    return times[1:] if len(times) > 1 else times  # the first run warms the plan cache


class Bench:
    def __init__(self, *, rows: int, runs: int, log, import_runs: int = 1):
        self.rows, self.runs, self.log, self.import_runs = rows, runs, log, import_runs
        self.results: dict = {}
        self.served: dict = {}  # bench/throughput.py's figures: gunicorn over loopback

    def client_for(self, user):
        from django.test import Client
        from rest_framework_simplejwt.tokens import RefreshToken

        token = str(RefreshToken.for_user(user).access_token)
        return Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def page_client_for(self, user):
        from django.test import Client

        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    def timed_get(self, name: str, client, url: str, *, runs: int | None = None, note: str = "") -> dict:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        # The first request warms caches and connections, and is the one whose queries are counted: recording
        # queries (Django's debug cursor formats every statement) would add its own cost to the timed runs.
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = len(captured.captured_queries)
        # The time spent in the database calls of a warm request (each statement's round trip, from the driver's
        # execute to its return): the SQL floor of the measure, whatever the number of statements.
        database_seconds = []

        def timed(execute, sql, params, many, context):
            begun = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                database_seconds.append(time.perf_counter() - begun)

        with connection.execute_wrapper(timed):
            response = client.get(url)
            b"".join(response.streaming_content) if response.streaming else response.content
        db_ms = round(sum(database_seconds) * 1000, 1)
        samples = []
        for _ in range(runs or self.runs):
            started = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, response.status_code, body[:500])
            samples.append(elapsed)
        entry = {**summary(samples), "queries": queries, "db_ms": db_ms, "url": url, "bytes": len(body)}
        if note:
            entry["note"] = note
        self.results[name] = entry
        self.log(
            f"  {name:<24} p50 {entry['p50_ms']:>7.1f} ms  p95 {entry['p95_ms']:>7.1f} ms  {queries} queries  "
            f"database {db_ms} ms"
        )
        return json.loads(body) if response["Content-Type"].startswith("application/json") else entry

    def compare_sql(self, name: str, sql: str, client, url: str, rounds: int = 5) -> None:
        """The ratio app/SQL, from app requests and psql runs taken in alternating rounds, so that a slow spell
        of the machine (a shared 2-core VM) weighs on both sides alike."""
        per_round = max(1, self.runs // rounds)
        app, database = [], []
        for _ in range(rounds):
            database += sql_timing(sql, per_round + 1)
            for _ in range(per_round):
                started = time.perf_counter()
                client.get(url)
                app.append((time.perf_counter() - started) * 1000)
        entry = self.results[name]
        entry["sql"] = summary(database)
        entry["app_alternating_with_sql"] = summary(app)
        entry["ratio_app_sql_p50"] = round(
            entry["app_alternating_with_sql"]["p50_ms"] / max(entry["sql"]["p50_ms"], 0.01), 2
        )
        self.log(
            f"  {name + ' (SQL)':<24} p50 {entry['sql']['p50_ms']:>7.1f} ms  app in the same rounds "
            f"{entry['app_alternating_with_sql']['p50_ms']:.1f} ms  ratio {entry['ratio_app_sql_p50']}"
        )

    def run(self) -> dict:
        from accounts.models import User

        member = User.objects.get(email="user51@bench.test")
        manager = User.objects.get(email="user1@bench.test")
        today = datetime.date.today()
        year_ago = today.replace(day=1) - datetime.timedelta(days=335)
        year_ago = year_ago.replace(day=1)

        member_client, manager_client = self.client_for(member), self.client_for(manager)
        self.log("API (in process, production settings):")
        self.timed_get("list_first_page", member_client, "/api/v1/expenses/")
        filtered = f"/api/v1/expenses/?meal_type=dinner&date_from={year_ago}&amount_min=20&ordering=-occurred_at"
        self.timed_get("list_filtered_page", member_client, filtered)
        page, follows, url = None, 0, "/api/v1/expenses/?scope=team&page_size=100"
        follow_to = min(100, max(1, self.rows // 50 // 100 // 2))
        while follows < follow_to:  # walk half-way down the team's list (at 1M rows: 10,000 rows deep)
            page = json.loads(manager_client.get(url).content)
            if not page["next"]:
                break
            url, follows = page["next"].replace("http://testserver", ""), follows + 1
        # The same position at the default page size (25, like the two measures above), then a 100-row page there.
        deep = url.replace("page_size=100", "page_size=25")
        self.timed_get("list_deep_cursor_page", manager_client, deep, note=f"{follows * 100} rows deep, team scope")
        self.timed_get("list_deep_cursor_page_100", manager_client, url, note="the same position, 100 rows a page")
        totals_url = "/api/v1/expenses/?scope=team&status=submitted&status=approved&is_business=true&page_size=1"
        self.timed_get("totals_filtered", manager_client, totals_url, note="team scope, whole filtered list")
        self.timed_get("fixed_cost_get", member_client, "/api/v1/auth/me/", note="the cheapest authenticated GET")
        self.timed_get(
            "json_export_1k", member_client, "/api/v1/exports/expenses.json", note="the member's 1,000 meals"
        )

        # Reports are timed cold (the figures computed on every request, as after a write) and warm (from the
        # figures cache, mealtracker/report_cache.py); the SQL comparisons are against the cold figures.
        from django.conf import settings as django_settings

        cache_seconds = django_settings.REPORT_CACHE_SECONDS
        django_settings.REPORT_CACHE_SECONDS = 0
        member_url = f"/api/v1/reports/totals/?period=month&date_from={year_ago}&date_to={today}"
        self.timed_get("report_member_year", member_client, member_url, note="cold: no figures cache")
        self.compare_sql(
            "report_member_year",
            f"""
            SELECT date_trunc('month', occurred_at AT TIME ZONE '{member.timezone}') AS bucket,
                   sum(reporting_amount), count(id), sum(party_size)
            FROM expenses_expense
            WHERE owner_id = {member.pk}
              AND occurred_at >= ('{year_ago}'::timestamp AT TIME ZONE '{member.timezone}')
              AND occurred_at < ('{today + datetime.timedelta(days=1)}'::timestamp AT TIME ZONE '{member.timezone}')
            GROUP BY 1 ORDER BY 1
            """,
            member_client,
            member_url,
        )
        year = f"date_from={year_ago}&date_to={today}"
        self.timed_get("report_member_summary", member_client, f"/api/v1/reports/summary/?{year}", note="cold")
        self.timed_get(
            "report_member_breakdown", member_client, f"/api/v1/reports/breakdown/?by=category&{year}", note="cold"
        )
        team_url = f"/api/v1/reports/totals/?scope=team&period=month&date_from={year_ago}&date_to={today}"
        self.timed_get("report_team_year", manager_client, team_url, note="cold: no figures cache")
        self.compare_sql(
            "report_team_year",
            f"""
            SELECT date_trunc('month', e.occurred_at AT TIME ZONE '{manager.timezone}') AS bucket,
                   sum(e.reporting_amount), count(e.id), sum(e.party_size)
            FROM expenses_expense e JOIN accounts_user u ON u.id = e.owner_id
            WHERE u.team_id IN (SELECT team_id FROM accounts_team_managers WHERE user_id = {manager.pk})
              AND e.occurred_at >= ('{year_ago}'::timestamp AT TIME ZONE '{manager.timezone}')
              AND e.occurred_at < ('{today + datetime.timedelta(days=1)}'::timestamp AT TIME ZONE '{manager.timezone}')
            GROUP BY 1 ORDER BY 1
            """,
            manager_client,
            team_url,
        )
        from django.test.utils import override_settings

        member_page = self.page_client_for(member)
        # Pages name static files; without `collectstatic` here the plain storage names them (same work otherwise).
        plain_static = {**django_settings.STORAGES, "staticfiles": {"BACKEND": STATIC_PLAIN}}
        with override_settings(STORAGES=plain_static):
            self.timed_get("dashboard", member_page, "/", note="cold: no figures cache")
            self.timed_get("expense_list_page", member_page, "/expenses/", note="the member's first 25 meals")
            self.timed_get("reports_page", member_page, "/reports/", note="cold: no figures cache")
            django_settings.REPORT_CACHE_SECONDS = cache_seconds or 300
            self.log("The same with the figures cache warm:")
            self.timed_get("report_member_year_warm", member_client, member_url, note="warm figures cache")
            self.timed_get("report_team_year_warm", manager_client, team_url, note="warm figures cache")
            self.timed_get("dashboard_warm", member_page, "/", note="warm figures cache")
            self.timed_get("reports_page_warm", member_page, "/reports/", note="warm figures cache")
        self.export_csv()
        self.export_files("xlsx", 100_000)
        self.export_files("pdf", 10_000)
        self.import_rows()
        self.cold_start(member)
        from bench.throughput import throughput

        self.served = throughput(self.log)
        return self.results

    def export_files(self, file_format: str, rows: int, runs: int = 2) -> None:
        """An XLSX or PDF export timed by bench/export_files.py, a fresh process each run (its peak RSS its own)."""
        figures = []
        for _ in range(runs):
            child = subprocess.run(  # noqa: S603 - our own script
                [sys.executable, str(ROOT / "bench" / "export_files.py"), file_format, str(rows)],
                capture_output=True, text=True, timeout=600, env={**os.environ}, check=True,
            )  # fmt: skip
            figures.append(json.loads(child.stdout.strip().splitlines()[-1]))
        name = f"{file_format}_export_{rows // 1000}k"
        entry = {
            **summary([run["wall_s"] * 1000 for run in figures]),
            "cpu_p50_ms": round(statistics.median(run["cpu_s"] for run in figures) * 1000, 1),
            "rows": figures[-1]["rows"],
            "bytes": figures[-1]["bytes"],
            "peak_rss_mb": max(run["peak_rss_mb"] for run in figures),
            "baseline_rss_mb": figures[-1]["baseline_rss_mb"],
            "note": "bench/export_files.py in a fresh process per run: the export built and read to its last byte",
        }
        self.results[name] = entry
        self.log(f"  {name:<24} p50 {entry['p50_ms']:>7.1f} ms  p95 {entry['p95_ms']:>7.1f} ms  "
                 f"{entry['rows']} rows  peak {entry['peak_rss_mb']} MB")  # fmt: skip

    def export_csv(self, rows: int = 100_000, runs: int = 5) -> None:
        from accounts.models import User
        from expenses.models import Expense

        admin, _ = User.objects.get_or_create(
            email="admin@bench.test", defaults={"role": "admin", "display_name": "Bench admin", "timezone": "UTC"}
        )
        rows = min(rows, Expense.objects.count())
        boundary = Expense.objects.order_by("-occurred_at").values_list("occurred_at", flat=True)[rows - 1]
        date_from = boundary.astimezone(datetime.UTC).date() + datetime.timedelta(days=1)
        url = f"/api/v1/exports/expenses.csv?scope=everyone&date_from={date_from}"
        runs_figures = []
        for _ in range(runs):
            child = subprocess.run(  # noqa: S603 - this script, as a child, to measure its own peak memory
                [sys.executable, __file__, "--child-export", str(admin.pk), url],
                capture_output=True, text=True, timeout=300, env={**os.environ}, check=True,
            )  # fmt: skip
            runs_figures.append(json.loads(child.stdout.strip().splitlines()[-1]))
        figures = runs_figures[-1]

        def middle(key: str) -> float | None:
            values = [run[key] for run in runs_figures if run.get(key) is not None]
            return round(statistics.median(values), 1) if values else None

        first_bytes = [run["first_byte_ms"] for run in runs_figures]
        first_rows = [run["first_row_ms"] for run in runs_figures]
        entry = {
            **summary([run["elapsed_ms"] for run in runs_figures]),
            "first_byte_p50_ms": round(statistics.median(first_bytes), 1),
            "first_byte_p95_ms": round(percentile(first_bytes, 0.95), 1),
            "first_row_p50_ms": round(statistics.median(first_rows), 1),
            "first_row_p95_ms": round(percentile(first_rows, 0.95), 1),
            "cpu_p50_ms": middle("cpu_ms"),
            "db_cpu_p50_ms": middle("db_cpu_ms"),
            "rows": figures["rows"],
            "peak_rss_mb": max(run["peak_rss_mb"] for run in runs_figures),
            "rss_at_first_byte_mb": max(run["rss_at_first_byte_mb"] or 0 for run in runs_figures),
            "url": url,
        }
        entry["note"] = (
            "child process: peak RSS includes the interpreter and Django (baseline in baseline_rss_mb) and what the "
            "first request imports (most of rss_at_first_byte_mb, the RSS when the first chunk left); first byte is "
            "the first non-empty chunk (the header), first row the first chunk holding a data line; cpu is the "
            "child's, db_cpu its PostgreSQL backend's"
        )
        entry["baseline_rss_mb"] = figures["baseline_rss_mb"]
        self.results["csv_export_100k"] = entry
        self.log(f"  {'csv_export_100k':<24} p50 {entry['p50_ms']:>7.1f} ms  p95 {entry['p95_ms']:>7.1f} ms  "
                 f"{entry['rows']} rows  peak {entry['peak_rss_mb']} MB")  # fmt: skip
        self.log(f"  {'':<24} first byte p50 {entry['first_byte_p50_ms']} ms p95 {entry['first_byte_p95_ms']} ms, "
                 f"first row p50 {entry['first_row_p50_ms']} ms p95 {entry['first_row_p95_ms']} ms, "
                 f"CPU p50 {entry['cpu_p50_ms']} ms (PostgreSQL {entry['db_cpu_p50_ms']} ms)")  # fmt: skip

    def import_rows(self, rows: int = 10_000) -> None:
        from accounts.models import User

        lines = ["date,time,amount,currency,meal_type,restaurant,notes"]
        start = datetime.date.today() - datetime.timedelta(days=300)
        for n in range(rows):
            day = start + datetime.timedelta(days=n % 290)
            amount = f"{5 + n % 90}.{n % 100:02d}"
            lines.append(f"{day},{8 + n % 12}:{n % 60:02d},{amount},USD,lunch,Imported {n % 50},row {n}")
        payload = ("\n".join(lines) + "\n").encode()
        samples, upload_ms, apply_ms = [], [], []
        for _ in range(self.import_runs):
            # A user with no meals yet, so the import creates every row (a second import of the same file by the
            # same user would find them all duplicates, skip them, and measure something else).
            importer = User.objects.create(email=f"importer-{time.time_ns()}@bench.test", display_name="Importer")
            client = self.client_for(importer)
            started = time.perf_counter()
            response = client.post("/api/v1/imports/", {"file": _named_file("bench.csv", payload)})
            assert response.status_code in (200, 201), response.content[:500]
            uploaded = time.perf_counter()
            batch = response.json()["id"]
            applied = client.post(f"/api/v1/imports/{batch}/apply/")
            assert applied.status_code == 200, applied.content[:500]
            assert applied.json()["result"]["created"] == rows, applied.json()["result"]
            done = time.perf_counter()
            upload_ms.append((uploaded - started) * 1000)
            apply_ms.append((done - uploaded) * 1000)
            samples.append((done - started) * 1000)
        entry = {**summary(samples), "rows": rows, "upload_p50_ms": round(statistics.median(upload_ms), 1),
                 "apply_p50_ms": round(statistics.median(apply_ms), 1)}  # fmt: skip
        self.results["import_10k"] = entry
        self.log(f"  {'import_10k':<24} p50 {entry['p50_ms']:>7.1f} ms  p95 {entry['p95_ms']:>7.1f} ms  "
                 f"(upload {entry['upload_p50_ms']} ms, apply {entry['apply_p50_ms']} ms)")  # fmt: skip

    def cold_start(self, user) -> None:
        from rest_framework_simplejwt.tokens import RefreshToken
        from zappa.cli import ZappaCLI

        from mealtracker.tests.lambda_support.events import http_v2

        cli = ZappaCLI()
        cli.api_stage = "dev"
        cli.load_settings(settings_file=str(ROOT / "zappa_settings.json"))
        settings_dir = Path(tempfile.mkdtemp(prefix="bench-zappa-"))
        (settings_dir / "zappa_settings.py").write_text(cli.get_zappa_settings_string())
        token = str(RefreshToken.for_user(user).access_token)
        event = http_v2("GET", "/api/v1/expenses/", headers={"Authorization": f"Bearer {token}"})
        env = {
            "PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(ROOT)), "PYTHONPATH": str(ROOT),
            "AWS_LAMBDA_FUNCTION_NAME": "mealtracker-dev", "AWS_DEFAULT_REGION": "us-east-1",
            **PRODUCTION_ENV, "ALLOWED_HOSTS": "*",
            "DATABASE_SSLMODE": "disable",  # the loopback PostgreSQL has no TLS (on AWS the default is verify-full)
        }  # fmt: skip
        invoker = ROOT / "mealtracker" / "tests" / "lambda_support" / "invoke.py"
        samples = []
        # One untimed run first: the venv is installed without bytecode (`--no-compile`), so the first interpreter
        # compiles every module it imports. The package ships that bytecode compiled (docs/deploy.md, "Cold
        # start"), so a Lambda's cold start never pays it; the timed runs are the ones after.
        for run in range(6):
            started = time.perf_counter()
            result = subprocess.run(  # noqa: S603 - our interpreter and Zappa's handler
                [sys.executable, str(invoker), str(settings_dir)], input=json.dumps([event]), env=env,
                capture_output=True, text=True, timeout=120, cwd=settings_dir,
            )  # fmt: skip
            if run:
                samples.append((time.perf_counter() - started) * 1000)
            assert result.returncode == 0, result.stderr[-2000:]
            (answer,) = json.loads(result.stdout.rpartition("@@RESULTS@@")[2])
            assert answer["response"]["statusCode"] == 200, answer
        entry = {**summary(samples), "note": "fresh interpreter → Zappa handler → first authenticated API list"}
        self.results["cold_start"] = entry
        self.log(f"  {'cold_start':<24} p50 {entry['p50_ms']:>7.1f} ms  p95 {entry['p95_ms']:>7.1f} ms")


def _named_file(name: str, payload: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, payload, content_type="text/csv")


def peak_rss_mb() -> float:
    """This process's high-water RSS (VmHWM). Not ru_maxrss: Linux carries that over from the parent at fork."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, flags=re.MULTILINE).group(1)) / 1024


def child_export(user_id: str, url: str) -> None:
    setup_django()
    from accounts.models import User

    def backend_cpu_seconds() -> dict[int, float]:
        """CPU seconds so far of each PostgreSQL backend this process is connected to (loopback only: read in /proc)."""
        from django.db import connections

        seconds = {}
        for connection in connections.all(initialized_only=True):
            if connection.vendor != "postgresql" or connection.connection is None:
                continue
            pid = connection.connection.get_backend_pid()
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            seconds[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
        return seconds

    def rss_mb() -> float:
        status = Path("/proc/self/status").read_text()
        return round(int(re.search(r"^VmRSS:\s+(\d+) kB", status, flags=re.MULTILINE).group(1)) / 1024, 1)

    baseline = peak_rss_mb()
    client = Bench(rows=0, runs=0, log=print).client_for(User.objects.get(pk=int(user_id)))
    # A server has answered requests before: an export of no rows first, so the one timed does not include what
    # a fresh process imports and connects on its first request (baseline_rss_mb is before that, too).
    warm_up = client.get(url.split("?")[0] + "?scope=everyone&date_from=2999-01-01")
    b"".join(warm_up.streaming_content)
    backends_before = backend_cpu_seconds()
    cpu_started = time.process_time()
    started = time.perf_counter()
    response = client.get(url)
    lines, first_byte, first_row, rss_at_first_byte = 0, None, None, None
    for chunk in response.streaming_content:
        if chunk and first_byte is None:
            first_byte = time.perf_counter()
            rss_at_first_byte = rss_mb()  # the request's own imports and work done, the streaming to come
        lines += chunk.count(b"\n")
        if lines > 1 and first_row is None:  # the header's line, then at least one row's
            first_row = time.perf_counter()
    elapsed = (time.perf_counter() - started) * 1000
    cpu = (time.process_time() - cpu_started) * 1000
    backends_after = backend_cpu_seconds()  # the connection outlives the request (CONN_MAX_AGE)
    db_cpu = sum(after - backends_before.get(pid, 0) for pid, after in backends_after.items()) * 1000
    peak = peak_rss_mb()
    out = {
        "elapsed_ms": round(elapsed, 1),
        "first_byte_ms": round((first_byte - started) * 1000, 1),
        "first_row_ms": round(((first_row or time.perf_counter()) - started) * 1000, 1),
        "cpu_ms": round(cpu, 1),
        "db_cpu_ms": round(db_cpu, 1) if backends_after else None,
        "rows": lines - 1,
        "peak_rss_mb": round(peak, 1),
        "rss_at_first_byte_mb": rss_at_first_byte,
    }
    print(json.dumps({**out, "baseline_rss_mb": round(baseline, 1)}))


def table(results: dict, machine: dict) -> str:
    lines = [
        f"machine: {machine['cores']} cores, {machine['memory_gb']} GB RAM, {machine['postgresql']}, "
        f"Python {machine['python']}",
        f"data: {machine['rows']['expenses']:,} expenses, {machine['rows']['users']:,} users, "
        f"{machine['rows']['teams']} teams, {machine['rows']['restaurants']:,} restaurants "
        f"(loaded in {machine['load_seconds']} s)",
        "",
        f"| {'measure':<24} | {'p50 ms':>8} | {'p95 ms':>8} | {'target':>8} | {'queries':>7} | {'db ms':>7} | "
        f"{'app/SQL':>7} | ok |",
        f"|{'-' * 26}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 9}|----|",
    ]
    for name, entry in results.items():
        target = TARGETS_MS.get(name)
        ratio = entry.get("ratio_app_sql_p50")
        measured = entry["p50_ms"] if name in TARGET_ON_P50 else entry["p95_ms"]
        ok = (target is None or measured <= target) and (ratio is None or ratio <= MAX_RATIO)
        if name in EXPORT_RSS_TARGETS_MB:
            ok = ok and entry["peak_rss_mb"] <= EXPORT_RSS_TARGETS_MB[name]
        if name == "csv_export_100k":
            ok = ok and entry["first_byte_p95_ms"] <= CSV_FIRST_BYTE_MS
        shown_target = f"{target}{' p50' if name in TARGET_ON_P50 else ''}" if target else "-"
        lines.append(
            f"| {name:<24} | {entry['p50_ms']:>8.1f} | {entry['p95_ms']:>8.1f} | {shown_target:>8} | "
            f"{entry.get('queries', '-'):>7} | {entry.get('db_ms', '-'):>7} | "
            f"{ratio if ratio is not None else '-':>7} | {'✓' if ok else '✗':<2} |"
        )
    for name, limit in EXPORT_RSS_TARGETS_MB.items():
        if name in results:
            export = results[name]
            lines.append(
                f"{name}: {export['rows']:,} rows, peak RSS {export['peak_rss_mb']} MB (target ≤ {limit} MB; "
                f"interpreter + Django alone {export['baseline_rss_mb']} MB)"
            )
    if "csv_export_100k" in results:
        export = results["csv_export_100k"]
        lines.append(
            f"csv export: first byte p95 {export['first_byte_p95_ms']} ms (target ≤ {CSV_FIRST_BYTE_MS}), first row "
            f"p95 {export['first_row_p95_ms']} ms"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--restaurants", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=100, help="timed runs per measure (after one warm-up)")
    parser.add_argument("--import-runs", type=int, default=3, help="10k-row imports to time")
    parser.add_argument("--reuse", action="store_true", help="keep the loaded database (skip drop, migrate, load)")
    parser.add_argument("--child-export", nargs=2, metavar=("USER_ID", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_export:
        child_export(*args.child_export)
        return

    def log(message: str) -> None:
        print(message, flush=True)

    load_seconds = None
    if not args.reuse:
        fresh_database(log)
    setup_django()
    from django.core.management import call_command

    from bench.load import load

    if not args.reuse:
        call_command("migrate", "--noinput", verbosity=0)
        call_command("createcachetable", verbosity=0)
        log(
            f"loading {args.rows:,} expenses, {args.users:,} users, {args.teams} teams, {args.restaurants:,} "
            "restaurants"
        )
        timings = load(rows=args.rows, users=args.users, teams=args.teams, restaurants=args.restaurants, log=log)
        load_seconds = timings["total"]
    counts = dict(
        line.split("|") for line in psql(
            "SELECT 'expenses', count(*) FROM expenses_expense UNION ALL SELECT 'users', count(*) FROM accounts_user "
            "UNION ALL SELECT 'teams', count(*) FROM accounts_team "
            "UNION ALL SELECT 'restaurants', count(*) FROM expenses_restaurant"
        ).split()
    )  # fmt: skip
    machine = {
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1),
        "postgresql": psql("SHOW server_version").strip().split()[0].join(["PostgreSQL ", ""]),
        "python": platform.python_version(),
        "rows": {key: int(value) for key, value in counts.items()},
        "load_seconds": load_seconds,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    import redis

    redis.Redis.from_url(PRODUCTION_ENV["REDIS_URL"]).flushdb()  # no figures, sessions or counters of a past run
    bench = Bench(rows=machine["rows"]["expenses"], runs=args.runs, log=log, import_runs=args.import_runs)
    results = bench.run()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    record = {"machine": machine, "targets_ms": TARGETS_MS, "results": results, "served": bench.served}
    RESULTS.write_text(json.dumps(record, indent=2) + "\n")
    log("")
    log(table(results, machine))
    served = bench.served
    if served:
        log(
            f"served by gunicorn (bench/throughput.py): list {served['throughput_list_rps']} req/s (target ≥ 250), "
            f"report summary {served['throughput_report_rps']} req/s (≥ 400), auth/me {served['throughput_me_rps']} "
            f"req/s; worker RSS {served['worker_rss_mib']} MiB (≤ 80); process start to first 200 "
            f"{served['start_to_first_200_ms']} ms (≤ 800)"
        )
    log(f"\nwritten to {RESULTS.relative_to(ROOT) if RESULTS.is_relative_to(ROOT) else RESULTS}")


if __name__ == "__main__":
    main()
