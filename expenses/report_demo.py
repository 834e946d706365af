"""Demo data for expense reports: a finance and an auditor login, a submitted report of Alice's, one whose large
dinner finance approved second and which was paid in a reimbursement batch, and an approved one (finance's second
approval too) waiting for the next batch. Idempotent."""

import datetime
from decimal import Decimal

from django.db import transaction

from accounts.models import Role, User
from accounts.services import user_create
from expenses import services
from expenses.models import ExpenseReport, Restaurant
from expenses.services.batches import batch_create, batch_mark_paid
from expenses.services.expense_reports import report_approve, report_create, report_submit

FINANCE_EMAIL = "finance@demo.mealtracker.test"
AUDITOR_EMAIL = "auditor@demo.mealtracker.test"
SUBMITTED_TITLE = "Client meetings, this week"
APPROVED_TITLE = "Partner dinners, last month"
READY_TITLE = "Prospect dinners, this month"
REPORT_DEMO_MEALS = 6  # the meals of the three reports


def demo_people(*, password: str, team) -> list[tuple[str, str]]:
    """The finance and auditor logins (role, e-mail); the auditor reads the demo team."""
    people = []
    for email, name, role in [
        (FINANCE_EMAIL, "Fiona Finance", Role.FINANCE),
        (AUDITOR_EMAIL, "Aubrey Auditor", Role.AUDITOR),
    ]:
        user = User.objects.filter(email=email).first() or user_create(
            email=email, password=password, display_name=name, role=role, timezone="America/New_York"
        )
        if role == Role.AUDITOR:
            team.auditors.add(user)
        people.append((role, email))
    return people


def _meal(owner: User, *, days_ago: int, amount: str, purpose: str, now, restaurant=None):
    when = (now - datetime.timedelta(days=days_ago)).replace(hour=17, minute=30, second=0, microsecond=0)
    return services.expense_create(
        owner=owner,
        amount=Decimal(amount),
        tax=(Decimal(amount) * Decimal("0.08")).quantize(Decimal("0.01")),
        occurred_at=when,
        currency="USD",
        restaurant=restaurant,
        party_size=2,
        is_business=True,
        business_purpose=purpose,
        meal_type="dinner",
    )


def seed_report_demo(member: User, manager: User, *, now) -> None:
    """Alice's reports and the paid batch; the team asks finance to approve meals above $150."""
    finance = User.objects.get(email=FINANCE_EMAIL)
    team = member.team
    if team.second_approval_above is None:
        team.second_approval_above = Decimal("150.00")
        team.save(update_fields=["second_approval_above"])
    restaurant = Restaurant.objects.filter(owner=member).order_by("id").first()
    if not ExpenseReport.objects.filter(owner=member, title__in=[SUBMITTED_TITLE, APPROVED_TITLE]).exists():
        _paid_and_submitted_reports(member, manager, finance, now=now, restaurant=restaurant)
    if not ExpenseReport.objects.filter(owner=member, title=READY_TITLE).exists():
        _approved_report(member, manager, finance, now=now, restaurant=restaurant)


def _approved_report(member: User, manager: User, finance: User, *, now, restaurant) -> None:
    """Approved by the manager and, for its dinner above the limit, by finance: ready for the next batch."""
    with transaction.atomic():
        meals = [
            _meal(member, days_ago=12, amount="58.30", purpose="Dinner with a Hooli prospect", now=now),
            _meal(member, days_ago=10, amount="176.50", purpose="Dinner with Hooli's buying team", now=now,
                  restaurant=restaurant),
        ]  # fmt: skip
        report = report_create(
            owner=member, title=READY_TITLE, purpose="Hooli pilot", expense_ids=[m.pk for m in meals]
        )
        report_submit(report=report, actor=member)
        report_approve(report=report, actor=manager, comment="Fine.")
        report_approve(report=report, actor=finance, comment="Over $150: approved by finance.")


def _paid_and_submitted_reports(member: User, manager: User, finance: User, *, now, restaurant) -> None:
    with transaction.atomic():
        meals = [
            _meal(member, days_ago=36, amount="64.20", purpose="Dinner with Initech's buyer", now=now),
            _meal(member, days_ago=33, amount="212.80", purpose="Partner dinner, Globex renewal", now=now,
                  restaurant=restaurant),
        ]  # fmt: skip
        approved = report_create(
            owner=member, title=APPROVED_TITLE, purpose="Renewals", expense_ids=[m.pk for m in meals]
        )
        report_submit(report=approved, actor=member)
        report_approve(report=approved, actor=manager, comment="Fine.")
        report_approve(report=approved, actor=finance, comment="Over $150: approved by finance.")
        batch = batch_create(
            actor=finance,
            reference=f"PAY-{now:%Y%m}-DEMO",
            payout_date=(now - datetime.timedelta(days=2)).date(),
            report_ids=[approved.pk],
        )
        batch_mark_paid(batch=batch, actor=finance)
        fresh = [
            _meal(member, days_ago=3, amount="48.60", purpose="Lunch with Acme's CFO", now=now),
            _meal(member, days_ago=2, amount="183.40", purpose="Dinner with Acme's board", now=now),
        ]
        submitted = report_create(
            owner=member, title=SUBMITTED_TITLE, purpose="Acme account", expense_ids=[m.pk for m in fresh]
        )
        report_submit(report=submitted, actor=member)
