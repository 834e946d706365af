from django.core.management.base import BaseCommand

from reports.services.budgets import budget_alerts_send


class Command(BaseCommand):
    help = "Send budget alerts (in-app notice and e-mail) at 80 % and 100 %, once per budget, period and threshold."

    def handle(self, *args, **options):
        alerts = budget_alerts_send()
        self.stdout.write(self.style.SUCCESS(f"Recorded {len(alerts)} new budget alerts."))
