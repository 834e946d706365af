from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from expenses.demo import demo_expense_total, no_demo_mail, seed_demo


class Command(BaseCommand):
    help = "Create demo logins (admin, manager, two members), a team, restaurants and a year of meals."

    def add_arguments(self, parser):
        parser.add_argument(
            "--expenses", type=int, default=150, help="Expenses per demo member and manager (default 150)."
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not draw a progress bar.")

    def handle(self, *args, expenses, no_progress, **options):
        if expenses < 0:
            raise CommandError("--expenses cannot be negative.")
        bar = tqdm(
            total=demo_expense_total(expenses), desc="Demo expenses", unit="expense",
            file=self.stderr._out, disable=no_progress, leave=False,
        )  # fmt: skip
        with bar, no_demo_mail():  # the demo's people are made up: in-app notifications only
            logins = seed_demo(expenses_per_member=expenses, progress=bar.update)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at http://127.0.0.1:8000 with:"))
        for login in logins:
            self.stdout.write(f"  {login.role:<8} {login.email:<34} password: {login.password}")
