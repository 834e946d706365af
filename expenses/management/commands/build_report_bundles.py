"""Build the expense report bundles waiting to be built (large reports; scheduled, or run by hand)."""

from django.core.management.base import BaseCommand

from expenses.services.report_bundles import bundles_build_pending


class Command(BaseCommand):
    help = "Build the PDF and ZIP of report bundles waiting to be built, oldest first."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=20, help="at most this many bundles (default 20)")

    def handle(self, *args, limit, **options):
        built = bundles_build_pending(limit=limit)
        self.stdout.write(f"{built} bundle(s) built.")
