"""Time one expense export end to end (the response built and read to its last byte): wall time, CPU time, size
and peak memory. Run against a database loaded by `make bench` (bench/load.py):

    DATABASE_URL=postgres://.../bench .venv/bin/python bench/export_files.py pdf 10000
    DATABASE_URL=postgres://.../bench .venv/bin/python bench/export_files.py xlsx 100000
    DATABASE_URL=postgres://.../bench .venv/bin/python bench/export_files.py json 1000 --api --runs 20

FORMAT is csv, json, xlsx or pdf. ROWS takes the latest meals from the day that holds about ROWS of them: the
first bench user's own when they have that many, else everyone's as admin@bench.test (made by bench/run.py). With
--api the export is asked for through the API (`/api/v1/exports/expenses.FORMAT`, JWT-authenticated, production
settings as in bench/run.py); --runs times it that many times after one warm-up run and reports p50 and p95.

Each run prints a line for people, then one line of JSON as the last line of its output (with --api the production
settings' metric lines, one per request, come before them): format, rows, api, runs, wall_s and cpu_s (the run, or
the p50 of the runs), p95_wall_s, bytes, peak_rss_mb (this process's VmHWM: the interpreter and Django included)
and baseline_rss_mb (VmHWM before the export). Run a fresh process for each peak. docs/reports.md ("Speed and
memory") has the figures.
"""

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# bench/run.py's production settings (DEBUG off, no TLS redirect, throttling out of the way), for --api.
from bench.run import PRODUCTION_ENV  # noqa: E402 - needs ROOT on sys.path

FORMATS = ("csv", "json", "xlsx", "pdf")


def peak_rss_mb() -> float:
    """This process's high-water RSS (VmHWM), in MiB."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"^VmHWM:\s+(\d+) kB", status, flags=re.MULTILINE).group(1)) / 1024


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def setup(api: bool) -> None:
    if api:
        os.environ.update(PRODUCTION_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mealtracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def viewer_and_filters(rows: int):
    """The first bench user's own meals when they number `rows` or more, else everyone's as the bench admin (made by
    bench/run.py); from the local date of the `rows`-th latest meal, so about `rows` meals (a few more that day)."""
    from accounts.models import User
    from expenses.models import Expense
    from reports.selectors import ReportFilters, Scope

    viewer = User.objects.filter(email__endswith="@bench.test").order_by("id").first()
    meals, scope = Expense.objects.filter(owner=viewer), Scope.MINE
    if meals.count() < rows:
        viewer, meals, scope = User.objects.get(email="admin@bench.test"), Expense.objects.all(), Scope.EVERYONE
    latest = meals.order_by("-occurred_at").values_list("occurred_at", flat=True)
    boundary = latest[min(rows, meals.count()) - 1]
    return viewer, ReportFilters(scope=scope, date_from=boundary.astimezone(viewer.tzinfo).date())


def direct_export(file_format: str, rows: int):
    """A callable that builds the export of about `rows` meals and returns its size in bytes."""
    from reports.selectors import exported_expenses
    from reports.services import exports

    viewer, filters = viewer_and_filters(rows)

    def run() -> int:
        expenses = exported_expenses(viewer, filters)
        response = exports.expenses_response(expenses, file_format, viewer=viewer, filters=filters)
        return sum(len(chunk) for chunk in response.streaming_content)

    run.url = f"{filters.scope} from {filters.date_from}"
    return run


def api_export(file_format: str, rows: int):
    """A callable that asks the API for the export of about `rows` meals and returns its size in bytes."""
    from django.test import Client
    from rest_framework_simplejwt.tokens import RefreshToken

    viewer, filters = viewer_and_filters(rows)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(viewer).access_token}")
    url = f"/api/v1/exports/expenses.{file_format}?scope={filters.scope}&date_from={filters.date_from}"

    def run() -> int:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, (url, response.status_code, body[:300])
        return len(body)

    run.url = url
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("format", choices=FORMATS)
    parser.add_argument("rows", type=int)
    parser.add_argument("--api", action="store_true", help="through the API, JWT-authenticated, production settings")
    parser.add_argument("--runs", type=int, default=1, help="timed runs (after one warm-up run when more than one)")
    args = parser.parse_args()
    setup(args.api)
    baseline = peak_rss_mb()
    run = api_export(args.format, args.rows) if args.api else direct_export(args.format, args.rows)
    if args.runs > 1:
        run()
    walls, cpus, size = [], [], 0
    for _ in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        size = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    peak = peak_rss_mb()
    wall, cpu, p95 = percentile(walls, 0.5), percentile(cpus, 0.5), percentile(walls, 0.95)
    how = f" via {run.url}" if args.api else f" ({run.url})"
    times = f"p50 {wall * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms wall" if args.runs > 1 else f"{wall:.2f} s wall"
    sys.stdout.write(
        f"{args.format} {args.rows} rows{how}: {times}, {cpu:.2f} s CPU, {size / 1e6:.2f} MB, "
        f"peak RSS {peak:.0f} MiB (baseline {baseline:.0f} MiB)\n"
    )
    figures = {
        "format": args.format, "rows": args.rows, "api": args.api, "runs": args.runs,
        "wall_s": round(wall, 4), "p95_wall_s": round(p95, 4), "cpu_s": round(cpu, 4), "bytes": size,
        "peak_rss_mb": round(peak, 1), "baseline_rss_mb": round(baseline, 1),
    }  # fmt: skip
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main()
