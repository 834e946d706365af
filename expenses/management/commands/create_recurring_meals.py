"""Create the due occurrences of recurring meals, for their owners to confirm (run every 15 minutes)."""

from django.core.management.base import BaseCommand

from expenses.services.meal_templates import recurring_meals_create_due


class Command(BaseCommand):
    help = (
        "Create the recurring meals whose local time has come, waiting for their owners to confirm them. "
        "Safe to run as often as you like: an occurrence is never created twice."
    )

    def handle(self, *args, **options):
        created = recurring_meals_create_due()
        self.stdout.write(f"{created} recurring meal(s) to confirm created.")
