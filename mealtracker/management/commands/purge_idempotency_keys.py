from django.core.management.base import BaseCommand

from mealtracker.api.idempotency import idempotency_keys_purge


class Command(BaseCommand):
    help = "Delete stored Idempotency-Key results whose retry window has passed."

    def handle(self, *args, **options):
        removed = idempotency_keys_purge()
        self.stdout.write(f"Removed {removed} expired idempotency key(s).")
