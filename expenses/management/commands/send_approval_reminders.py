"""Remind approvers of meals waiting for their decision longer than N days (scheduled daily)."""

from django.core.management.base import BaseCommand

from expenses.services.reminders import approval_reminders_send


class Command(BaseCommand):
    help = "Remind each approver of the meals waiting for them longer than --days days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="waiting longer than this many days (default 3)")
        parser.add_argument("--dry-run", action="store_true", help="list who would be reminded, send nothing")

    def handle(self, *args, days, dry_run, **options):
        reminders = approval_reminders_send(days=days, dry_run=dry_run)
        for reminder in reminders:
            self.stdout.write(f"{reminder.approver.email}: {len(reminder.expenses)} waiting")
        verb = "would be reminded" if dry_run else "reminded"
        self.stdout.write(f"{len(reminders)} approver(s) {verb}.")
