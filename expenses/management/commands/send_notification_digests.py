"""E-mail the daily digest of notifications to users who chose one (scheduled daily)."""

from django.core.management.base import BaseCommand

from expenses.services.notifications import notification_digests_send


class Command(BaseCommand):
    help = "E-mail each user who chose the daily digest one message with their notifications waiting for it."

    def handle(self, *args, **options):
        sent = notification_digests_send()
        self.stdout.write(f"{sent} digest(s) sent.")
