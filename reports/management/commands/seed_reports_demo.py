from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Team, User
from expenses.demo import no_demo_mail
from expenses.models import MealPolicy, PolicyFlag
from expenses.services.policies import meal_policy_set
from reports.models import Budget, BudgetPeriod
from reports.services.budgets import budget_create

DEMO_TEAM = "Field Sales"
DEMO_MANAGER = "manager@demo.mealtracker.test"
DEMO_MEMBERS = ["alice@demo.mealtracker.test", "bob@demo.mealtracker.test"]
POLICIES = {"breakfast": "25.00", "lunch": "35.00", "dinner": "75.00", "drinks": "30.00"}


class Command(BaseCommand):
    help = "Budgets and meal policies for the demo data (run after seed_demo); running it again changes nothing."

    def handle(self, *args, **options):
        with no_demo_mail():  # the demo's people are made up: in-app notifications only
            self._seed()

    def _seed(self):
        team = Team.objects.filter(name=DEMO_TEAM).first()
        manager = User.objects.filter(email=DEMO_MANAGER).first()
        if team is None or manager is None:
            raise CommandError("Run `manage.py seed_demo` first.")
        for meal_type, limit in POLICIES.items():
            meal_policy_set(actor=manager, team=team, meal_type=meal_type, max_per_person=Decimal(limit))
        if not Budget.objects.filter(team=team).exists():
            budget_create(actor=manager, team=team, amount=Decimal("3000.00"), name="Team meals")
        for email in DEMO_MEMBERS:
            member = User.objects.filter(email=email).first()
            if member and not Budget.objects.filter(user=member).exists():
                budget_create(actor=member, amount=Decimal("600.00"), name="Monthly meals")
                budget_create(actor=member, amount=Decimal("120.00"), period=BudgetPeriod.WEEK, name="Weekly meals")
        self.stdout.write(
            self.style.SUCCESS(
                f"{MealPolicy.objects.filter(team=team).count()} meal policies, "
                f"{Budget.objects.count()} budgets, {PolicyFlag.objects.count()} over-policy business meals."
            )
        )
