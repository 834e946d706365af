"""Load the per-diem (M&IE) rate table from a CSV in the U.S. GSA's published format (docs/trips.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from expenses.per_diem_file import PerDiemFileError, read_rate_rows
from expenses.services.per_diem import per_diem_rates_load


class Command(BaseCommand):
    help = (
        "Load meals-and-incidentals rates from a GSA per-diem CSV (e.g. FY2026_PerDiemMasterRatesFile.csv). "
        "Nothing is written when a line is refused; every refused line is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (the GSA master rates file saved as CSV).")
        parser.add_argument(
            "--fiscal-year", type=int, help="For files without an Effective Date column, e.g. 2026 for FY2026."
        )

    def handle(self, *args, file, fiscal_year, **options):
        path = Path(file)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")  # spreadsheet exports on Windows
        try:
            rows, refused = read_rate_rows(text, fiscal_year=fiscal_year)
        except PerDiemFileError as exc:
            raise CommandError(str(exc)) from exc
        if refused:
            for line, reason in sorted(refused.items()):
                self.stderr.write(f"line {line}: {reason}")
            raise CommandError(f"{len(refused)} line(s) refused; nothing was loaded.")
        if not rows:
            raise CommandError("The file holds no rates.")
        result = per_diem_rates_load(rows=rows, source=path.name)
        self.stdout.write(
            self.style.SUCCESS(
                f"Per-diem rates from {path.name}: {result.created} new, {result.updated} changed, "
                f"{result.unchanged} unchanged, {result.removed} removed."
            )
        )
