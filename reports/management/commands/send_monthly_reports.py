from django.core.management.base import BaseCommand

from reports.services.monthly import monthly_reports_send


class Command(BaseCommand):
    help = "E-mail every active user a summary of last month's meals (once per user and month)."

    def handle(self, *args, **options):
        sent = monthly_reports_send()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} monthly summary e-mail(s)."))
