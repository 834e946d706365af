"""Send the webhook deliveries that are due, first attempts and retries (scheduled every minute)."""

from django.core.management.base import BaseCommand

from expenses.models import DeliveryStatus
from expenses.services.webhooks import webhook_deliveries_due


class Command(BaseCommand):
    help = "Attempt every pending webhook delivery whose time has come (retries back off exponentially)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=100, help="at most this many deliveries per run")

    def handle(self, *args, limit, **options):
        done = webhook_deliveries_due(limit=limit)
        delivered = sum(1 for delivery in done if delivery.status == DeliveryStatus.SUCCEEDED)
        self.stdout.write(f"{len(done)} attempted, {delivered} delivered.")
