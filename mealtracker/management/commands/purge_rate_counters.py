from django.core.management.base import BaseCommand

from mealtracker.ratelimit import counters_purge


class Command(BaseCommand):
    help = "Delete rate-limit counters whose windows have passed (API throttles, paid lookups)."

    def handle(self, *args, **options):
        removed = counters_purge()
        self.stdout.write(f"Removed {removed} expired rate counter(s).")
