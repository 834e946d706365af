"""Time one expense export end to end (the response built and read to its last byte): wall time, CPU time, size
and peak memory. Run against a database loaded by `make bench` (bench/load.py), as the first bench user:

    DATABASE_URL=postgres://.../bench .venv/bin/python bench/export_files.py pdf 10000
    DATABASE_URL=postgres://.../bench .venv/bin/python bench/export_files.py xlsx 100000

ROWS takes that user's oldest meals (at most all of them). docs/reports.md ("Speed and memory") has the figures.
"""

import os
import resource
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mealtracker.settings")
django.setup()

from accounts.models import User  # noqa: E402 - after django.setup()
from reports.selectors import ReportFilters, exported_expenses  # noqa: E402
from reports.services import exports  # noqa: E402


def main(file_format: str, rows: int) -> None:
    user = User.objects.filter(email__endswith="@bench.test").order_by("id").first()
    expenses = exported_expenses(user, ReportFilters())
    ids = expenses.order_by("occurred_at", "id").values_list("id", flat=True)[:rows]
    expenses = expenses.filter(id__in=list(ids))
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu = time.perf_counter(), time.process_time()
    response = exports.expenses_response(expenses, file_format, viewer=user, filters=ReportFilters())
    size = sum(len(chunk) for chunk in response.streaming_content)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - memory) / 1024
    figures = f"{wall:.2f} s wall, {cpu:.2f} s CPU, {size / 1e6:.2f} MB, peak RSS +{grown:.0f} MiB"
    sys.stdout.write(f"{file_format} {rows} rows: {figures}\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
