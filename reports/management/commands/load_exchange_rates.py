import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mealtracker.errors import DomainError
from reports.services.exchange_rates import ECB_HISTORY_URL, ecb_csv_text, ecb_download, load_ecb_text


class Command(BaseCommand):
    help = (
        "Load ECB historical reference rates (eurofxref-hist.csv or .zip: Date,USD,JPY,... per 1 EUR) as rates "
        "into REPORTING_CURRENCY. Give FILE, or --download to fetch the ECB history."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="eurofxref-hist.csv or eurofxref-hist.zip")
        parser.add_argument("--download", action="store_true", help=f"fetch {ECB_HISTORY_URL}")
        parser.add_argument("--url", default=ECB_HISTORY_URL, help="override the download address")
        parser.add_argument("--since", type=datetime.date.fromisoformat, help="skip days before YYYY-MM-DD")

    def handle(self, *args, file=None, download=False, url=ECB_HISTORY_URL, since=None, **options):
        if bool(file) == bool(download):
            raise CommandError("Give either FILE or --download.")
        try:
            if download:
                text = ecb_download(url)
            else:
                path = Path(file)
                if not path.is_file():
                    raise CommandError(f"{file} does not exist.")
                text = ecb_csv_text(path.read_bytes())
            written = load_ecb_text(text, since=since)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"Loaded {written} exchange rates."))
