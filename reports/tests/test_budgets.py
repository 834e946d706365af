import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import NotificationKind, NotificationPreferences
from expenses.tests.factories import CategoryFactory, ExpenseFactory
from mealtracker.errors import DomainError
from reports.models import BudgetAlert, Notice
from reports.services.budgets import budget_create, budget_progress
from reports.tests.factories import BudgetFactory


def spend(owner, amount, when=None, **fields):
    return ExpenseFactory(
        owner=owner, amount=Decimal(amount), tax=0, tip=0, occurred_at=when or timezone.now(), **fields
    )


@pytest.fixture
def send_alerts(django_capture_on_commit_callbacks):
    """The scheduled command, with its after-commit e-mails sent as they are outside a test's transaction."""

    def send():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_budget_alerts")

    return send


def test_member_creates_a_monthly_budget(api_client_for, member):
    response = api_client_for(member).post(reverse("reports_api:budget-list"), {"amount": "300.00"}, format="json")
    assert response.status_code == HTTPStatus.CREATED
    body = response.json()
    assert (body["user"], body["period"], body["amount"], body["currency"]) == (member.pk, "month", "300.00", "USD")
    assert body["progress"]["spent"] == "0.00"


def test_budget_on_someone_elses_category_is_refused(api_client_for, member, outsider):
    category = CategoryFactory(owner=outsider)
    response = api_client_for(member).post(
        reverse("reports_api:budget-list"), {"amount": "50", "category": category.pk}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "category" in response.json()["errors"]


def test_member_cannot_set_a_team_budget(api_client_for, member, team_a):
    response = api_client_for(member).post(
        reverse("reports_api:budget-list"), {"amount": "50", "team": team_a.pk}, format="json"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_manager_sets_a_budget_for_their_team(api_client_for, manager, team_a):
    response = api_client_for(manager).post(
        reverse("reports_api:budget-list"), {"amount": "500", "team": team_a.pk, "period": "week"}, format="json"
    )
    assert response.status_code == HTTPStatus.CREATED
    assert (response.json()["team"], response.json()["user"]) == (team_a.pk, None)


def test_someone_elses_budget_is_not_found(api_client_for, member, outsider):
    budget = BudgetFactory(user=outsider)
    response = api_client_for(member).get(reverse("reports_api:budget-detail", args=[budget.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_owner_changes_and_deletes_a_budget(api_client_for, member):
    budget = BudgetFactory(user=member)
    client = api_client_for(member)
    response = client.patch(reverse("reports_api:budget-detail", args=[budget.pk]), {"amount": "80.00"}, format="json")
    assert response.json()["amount"] == "80.00"
    assert client.delete(reverse("reports_api:budget-detail", args=[budget.pk])).status_code == HTTPStatus.NO_CONTENT


def test_member_reads_but_cannot_change_the_team_budget(api_client_for, member, team_a):
    budget = BudgetFactory(user=None, team=team_a)
    client = api_client_for(member)
    assert client.get(reverse("reports_api:budget-detail", args=[budget.pk])).status_code == HTTPStatus.OK
    response = client.patch(reverse("reports_api:budget-detail", args=[budget.pk]), {"amount": "1.00"}, format="json")
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_progress_projects_spending_to_the_end_of_the_month(member):
    budget = BudgetFactory(user=member, amount=Decimal("100.00"))
    spend(member, "30.00", datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC))
    spend(member, "10.00", datetime.datetime(2026, 3, 5, 12, tzinfo=datetime.UTC))
    spend(member, "99.00", datetime.datetime(2026, 2, 28, 12, tzinfo=datetime.UTC))  # last month
    progress = budget_progress([budget], now=datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC))[budget.pk]
    # 40.00 in 10 of March's 31 days: 40 x 31 / 10 = 124.00 by the end of the month.
    assert (progress.spent, progress.percent_used, progress.projected, progress.status) == (
        Decimal("40.00"),
        Decimal("40.0"),
        Decimal("124.00"),
        "projected_over",
    )


def test_weekly_budget_counts_monday_to_sunday_in_the_owners_timezone(member):
    member.timezone = "Asia/Tokyo"
    member.save(update_fields=["timezone"])
    budget = BudgetFactory(user=member, period="week", amount=Decimal("100.00"))
    # Sunday 2026-03-08 23:30 UTC is Monday 08:30 in Tokyo: inside the week starting 2026-03-09.
    spend(member, "25.00", datetime.datetime(2026, 3, 8, 23, 30, tzinfo=datetime.UTC))
    spend(member, "50.00", datetime.datetime(2026, 3, 8, 12, 0, tzinfo=datetime.UTC))  # Sunday in Tokyo
    progress = budget_progress([budget], now=datetime.datetime(2026, 3, 10, 3, tzinfo=datetime.UTC))[budget.pk]
    assert (progress.period_start, progress.spent) == (datetime.date(2026, 3, 9), Decimal("25.00"))


def test_category_budget_counts_only_that_category(member):
    dining = CategoryFactory(owner=member, name="Dining out")
    budget = BudgetFactory(user=member, category=dining)
    spend(member, "12.00", category=dining)
    spend(member, "40.00")
    assert budget_progress([budget])[budget.pk].spent == Decimal("12.00")


def test_budget_list_uses_one_aggregate_query_for_all_budgets(api_client_for, member, assert_max_app_queries):
    for _ in range(5):
        BudgetFactory(user=member)
    client = api_client_for(member)
    with assert_max_app_queries(2):
        response = client.get(reverse("reports_api:budget-list"))
    assert len(response.json()["results"]) == 5


def test_alert_at_eighty_percent_fires_once(member, send_alerts):
    BudgetFactory(user=member, amount=Decimal("100.00"))
    spend(member, "85.00")
    send_alerts()
    send_alerts()
    assert list(BudgetAlert.objects.values_list("threshold", flat=True)) == [80]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert Notice.objects.filter(recipient=member).count() == 1


def test_alert_at_one_hundred_percent_follows_the_eighty_percent_one(member, send_alerts):
    BudgetFactory(user=member, amount=Decimal("100.00"))
    spend(member, "85.00")
    send_alerts()
    spend(member, "20.00")
    send_alerts()
    send_alerts()
    assert sorted(BudgetAlert.objects.values_list("threshold", flat=True)) == [80, 100]
    assert len(mail.outbox) == 2
    assert "used up" in mail.outbox[1].body


def test_crossing_both_thresholds_at_once_sends_one_message(member, send_alerts):
    BudgetFactory(user=member, amount=Decimal("100.00"))
    spend(member, "120.00")
    send_alerts()
    assert BudgetAlert.objects.count() == 2
    assert len(mail.outbox) == 1


def test_team_budget_alerts_go_to_the_teams_managers(manager, member, teammate, team_a, send_alerts):
    BudgetFactory(user=None, team=team_a, amount=Decimal("100.00"))
    spend(member, "50.00")
    spend(teammate, "45.00")
    send_alerts()
    assert [m.to for m in mail.outbox] == [[manager.email]]


def test_alert_waits_for_the_daily_digest_of_a_member_who_chose_it(member, send_alerts):
    NotificationPreferences.objects.create(user=member, delivery="digest")
    BudgetFactory(user=member, amount=Decimal("100.00"))
    spend(member, "85.00")

    send_alerts()
    waiting = len(mail.outbox)
    call_command("send_notification_digests")

    assert waiting == 0
    assert Notice.objects.filter(recipient=member).count() == 1
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "digest" in mail.outbox[0].subject
    assert "Budget alert: Your monthly budget has reached 80 %" in mail.outbox[0].body


def test_alert_is_not_mailed_to_a_member_who_muted_budget_alerts(member, send_alerts):
    NotificationPreferences.objects.create(user=member, muted_kinds=[NotificationKind.BUDGET_ALERT])
    BudgetFactory(user=member, amount=Decimal("100.00"))
    spend(member, "85.00")

    send_alerts()
    call_command("send_notification_digests")

    assert mail.outbox == []
    assert Notice.objects.filter(recipient=member).count() == 1


def test_user_reads_their_notices_and_marks_one_read(api_client_for, member):
    BudgetFactory(user=member, amount=Decimal("100.00"))
    spend(member, "90.00")
    call_command("send_budget_alerts")
    client = api_client_for(member)
    notice = client.get(reverse("reports_api:notice-list")).json()["results"][0]
    assert "80 %" in notice["message"]
    response = client.post(reverse("reports_api:notice-read", args=[notice["id"]]))
    assert response.json()["read_at"] is not None
    assert client.get(reverse("reports_api:notice-list"), {"unread": "true"}).json()["results"] == []


def test_someone_elses_notice_is_not_found(api_client_for, member, outsider):
    notice = Notice.objects.create(recipient=outsider, message="Hi")
    response = api_client_for(member).post(reverse("reports_api:notice-read", args=[notice.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.django_db
def test_alerts_command_without_budgets_reports_nothing():
    call_command("send_budget_alerts")
    assert BudgetAlert.objects.count() == 0


def test_a_budget_finer_than_its_currency_is_refused_in_the_currencys_words(member):
    with pytest.raises(DomainError, match=r"^USD amounts have at most two decimal places\.$") as refused:
        budget_create(actor=member, amount=Decimal("100.005"))

    assert refused.value.field == "amount"
