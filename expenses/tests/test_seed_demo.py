from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Team, User
from expenses.demo import DEMO_UNREAD
from expenses.geo import restaurants_near
from expenses.models import ApprovalEvent, Expense, Notification, Restaurant
from expenses.report_demo import REPORT_DEMO_MEALS

pytestmark = pytest.mark.django_db


def counts():
    return {model.__name__: model.objects.count() for model in (User, Team, Restaurant, Expense, ApprovalEvent)}


def test_seed_demo_twice_leaves_the_same_counts():
    out = StringIO()
    call_command("seed_demo", "--expenses", "40", "--no-progress", stdout=out)
    first = counts()
    call_command("seed_demo", "--expenses", "40", "--no-progress", stdout=StringIO())
    assert counts() == first
    assert first["Expense"] == 120 + REPORT_DEMO_MEALS
    assert "manager@demo.mealtracker.test" in out.getvalue()


def test_seed_demo_gives_the_manager_submitted_team_expenses_to_approve():
    call_command("seed_demo", "--expenses", "60", "--no-progress", stdout=StringIO())
    manager = User.objects.get(email="manager@demo.mealtracker.test")
    waiting = Expense.objects.filter(status="submitted", owner__team__managers=manager).exclude(owner=manager)
    assert waiting.exists()
    assert User.objects.get(email="alice@demo.mealtracker.test").check_password("Demo-meals-2026")


def test_seed_demo_scales_up_on_request():
    call_command("seed_demo", "--expenses", "10", "--no-progress", stdout=StringIO())
    call_command("seed_demo", "--expenses", "25", "--no-progress", stdout=StringIO())
    assert Expense.objects.count() == 75  # the report meals count among Alice's


def test_every_demo_restaurant_has_a_map_position_and_near_me_finds_them():
    call_command("seed_demo", "--expenses", "5", "--no-progress", stdout=StringIO())
    alice = User.objects.get(email="alice@demo.mealtracker.test")

    assert not Restaurant.objects.filter(latitude__isnull=True).exists()
    near_union_square = [r.name for r in restaurants_near(alice, "40.7359", "-73.9911", 1)]
    assert near_union_square[0] == "Whole Foods Market"
    assert {"Shake Shack", "Sweetgreen"} <= set(near_union_square)
    assert "Lou Malnati's" not in near_union_square


def test_seed_demo_gives_restaurants_of_an_earlier_demo_their_position():
    call_command("seed_demo", "--expenses", "5", "--no-progress", stdout=StringIO())
    Restaurant.objects.update(latitude=None, longitude=None)  # as made before demo restaurants had positions

    call_command("seed_demo", "--expenses", "5", "--no-progress", stdout=StringIO())

    assert not Restaurant.objects.filter(latitude__isnull=True).exists()
    assert Restaurant.objects.count() == 45


def test_the_demo_has_a_business_dinner_with_a_colleague_and_a_guest():
    call_command("seed_demo", "--expenses", "10", "--no-progress", stdout=StringIO())

    dinner = Expense.objects.get(attendees__company="Globex")
    people = list(dinner.attendees.values_list("user__email", "name", "relationship"))
    assert people == [("alice@demo.mealtracker.test", "Alice Member", ""), (None, "Priya Shah", "client")]
    assert (dinner.owner.email, dinner.status, dinner.party_size) == ("bob@demo.mealtracker.test", "submitted", 4)
    assert dinner.business_purpose == "Renewal dinner with Globex"


def test_seed_demo_has_reports_a_second_approval_a_paid_batch_and_finance_and_auditor_logins():
    out = StringIO()
    call_command("seed_demo", "--expenses", "10", "--no-progress", stdout=out)

    from expenses.models import ExpenseReport, ReimbursementBatch

    assert sorted(ExpenseReport.objects.values_list("status", flat=True)) == ["approved", "reimbursed", "submitted"]
    assert ReimbursementBatch.objects.get().status == "paid"
    for status in ("approved", "reimbursed"):
        report = ExpenseReport.objects.get(status=status)
        assert ApprovalEvent.objects.filter(
            expense__report=report, from_status="second_review", to_status="approved", actor__role="finance"
        ).exists()
    assert "finance@demo.mealtracker.test" in out.getvalue()
    assert "auditor@demo.mealtracker.test" in out.getvalue()


def test_demo_logins_open_on_a_handful_of_unread_notifications_and_a_bell_that_agrees():
    call_command("seed_demo", "--expenses", "60", "--no-progress", stdout=StringIO())
    call_command("seed_demo", "--expenses", "60", "--no-progress", stdout=StringIO())

    alice = User.objects.get(email="alice@demo.mealtracker.test")
    assert Notification.objects.filter(recipient=alice).count() > DEMO_UNREAD  # the older ones are there, read
    for user in User.objects.filter(email__endswith="@demo.mealtracker.test"):
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        assert user.unread_notifications == unread <= DEMO_UNREAD, user.email
    assert alice.unread_notifications > 0


def test_seeding_the_demo_emails_nobody_and_leaves_the_sites_mail_as_it_was(settings):
    from django.core import mail

    backend = settings.EMAIL_BACKEND
    call_command("seed_demo", "--expenses", "20", "--no-progress", stdout=StringIO())
    call_command("seed_reports_demo", stdout=StringIO())

    assert mail.outbox == []
    assert Notification.objects.exists()  # the demo's approvals are still told in the app
    assert backend == settings.EMAIL_BACKEND
