"""`make bench` (and `make bench-bundle`): build the bundle of an expense report of 200 meals with 200 receipt
photos (JPEG, 1500 x 2600 px, about 0.4 MB each) and record wall time, CPU time, file sizes and peak memory against
the bounds below, in bench/results/report-bundle.json.

The data goes into a throwaway SQLite database and media folder (the bundle reads the database and the storage
the same way whatever they are), so this runs anywhere without PostgreSQL:

    .venv/bin/python bench/report_bundle.py            # 200 meals, 200 receipts
    .venv/bin/python bench/report_bundle.py --meals 50
"""

import argparse
import datetime
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "report-bundle.json"
# The bounds the bundle is held to, for the background job (a Lambda of 1 GB and up to 15 minutes): CPU time (wall
# time on the shared two-core bench machine is recorded too, it varies with the load) and peak memory growth.
MAX_CPU_SECONDS = 30.0
MAX_PEAK_GROWTH_MIB = 200.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meals", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-bundle-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ.pop("RECEIPTS_BUCKET", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mealtracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    report = _load(args.meals)

    from expenses.models import ReportBundle
    from expenses.services.report_bundles import bundle_build

    bundle = ReportBundle.objects.create(report=report, requested_by=report.owner)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu = time.perf_counter(), time.process_time()
    bundle = bundle_build(bundle)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    result = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "meals": args.meals,
        "receipts": args.meals,
        "status": bundle.status,
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "pdf_mb": round(bundle.pdf_size / 1e6, 2),
        "zip_mb": round(bundle.zip_size / 1e6, 2),
        "peak_rss_growth_mib": round(growth, 1),
        "bounds": {"cpu_seconds": MAX_CPU_SECONDS, "peak_rss_growth_mib": MAX_PEAK_GROWTH_MIB},
        "cpus": os.cpu_count(),
    }
    result["within_bounds"] = bundle.status == "ready" and cpu <= MAX_CPU_SECONDS and growth <= MAX_PEAK_GROWTH_MIB
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    if not result["within_bounds"]:
        sys.exit(1)


def _photo(rng: random.Random) -> bytes:
    """A till receipt's photo: a paper-coloured page with lines of 'text' and some noise, as a phone takes it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1500, 2600), (238, 234, 224))
    draw = ImageDraw.Draw(image)
    for row in range(60):
        y = 120 + row * 38
        width = rng.randint(400, 1300)
        draw.rectangle([100, y, 100 + width, y + 18], fill=(rng.randint(20, 60),) * 3)
    for _ in range(4000):
        x, y = rng.randrange(1500), rng.randrange(2600)
        draw.point((x, y), fill=(rng.randint(150, 255),) * 3)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def _load(meals: int):
    from decimal import Decimal

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from accounts.models import Role, Team, User
    from expenses.models import Expense, ExpenseReport, Receipt

    rng = random.Random(17)  # noqa: S311 - reproducible bench data, not secrets
    team = Team.objects.create(name="Bench")
    owner = User.objects.create_user(email="bench@bench.test", password=None, role=Role.MEMBER, team=team)
    report = ExpenseReport.objects.create(owner=owner, title="Bench: 200 dinners", purpose="Benchmark")
    photos = [_photo(rng) for _ in range(8)]  # eight different photos, stored 200 times as separate files
    now = timezone.now()
    for n in range(meals):
        amount = Decimal(rng.randint(1500, 25000)) / 100
        expense = Expense.objects.create(
            owner=owner, occurred_at=now - datetime.timedelta(hours=n * 7), amount=amount, currency="USD",
            reporting_amount=amount, is_business=True, status="draft", business_purpose=f"Client dinner {n}",
            party_size=rng.randint(1, 6), report=report,
        )  # fmt: skip
        data = photos[n % len(photos)]
        receipt = Receipt(expense=expense, original_name=f"IMG_{n:04d}.jpg", content_type="image/jpeg")
        receipt.size, receipt.sha256 = len(data), f"{n:064x}"
        receipt.file.save(f"{n}.jpg", ContentFile(data), save=True)
    return report


if __name__ == "__main__":
    main()
