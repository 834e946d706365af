from http import HTTPStatus

from django.urls import reverse

MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


def test_reports_page_shows_the_hand_computed_total(web_client_for, member, march):
    response = web_client_for(member).get(reverse("reports"), MARCH)
    assert response.status_code == HTTPStatus.OK
    assert "$103.70" in response.content.decode()


def test_reports_page_loads_chart_js_from_our_static_files(web_client_for, member):
    body = web_client_for(member).get(reverse("reports")).content.decode()
    assert "vendor/chart.umd.min.js" in body
    assert "reports/reports.js" in body
    assert "<script>" not in body  # no inline script: the CSP allows only our files


def test_reports_page_links_every_export(web_client_for, member):
    body = web_client_for(member).get(reverse("reports"), MARCH).content.decode()
    for fmt in ("csv", "xlsx", "pdf"):
        assert f"/api/v1/exports/reports/summary.{fmt}?" in body
    assert "/api/v1/exports/expenses.json?" in body


def test_member_is_not_offered_the_team_scope(web_client_for, member):
    response = web_client_for(member).get(reverse("reports"), {"scope": "team"})
    assert response.status_code == HTTPStatus.OK
    assert "Select a valid choice" in response.content.decode()


def test_manager_sees_the_team_report(web_client_for, manager, march):
    response = web_client_for(manager).get(reverse("reports"), {**MARCH, "scope": "team"})
    assert "$157.00" in response.content.decode()


def test_reversed_dates_fall_back_to_the_default_report(web_client_for, member):
    response = web_client_for(member).get(reverse("reports"), {"date_from": "2026-04-01", "date_to": "2026-03-01"})
    assert "must not be after" in response.content.decode()


def test_reports_page_needs_a_login(web_client_for):
    response = web_client_for().get(reverse("reports"))
    assert response.status_code == HTTPStatus.FOUND


def test_reports_page_runs_a_bounded_number_of_queries(web_client_for, member, march, assert_max_app_queries):
    client = web_client_for(member)
    with assert_max_app_queries(12):
        client.get(reverse("reports"), MARCH)


def test_dashboard_shows_budget_progress(web_client_for, member):
    from decimal import Decimal

    from django.utils import timezone

    from expenses.tests.factories import ExpenseFactory
    from reports.tests.factories import BudgetFactory

    BudgetFactory(user=member, name="Lunch money", amount=Decimal("200.00"))
    ExpenseFactory(owner=member, amount=Decimal("50.00"), tax=0, tip=0, occurred_at=timezone.now())
    body = web_client_for(member).get(reverse("home")).content.decode()
    assert "Lunch money" in body
    assert "$50.00 of $200.00 (25.0%)" in body


def test_member_adds_a_budget_on_the_budgets_page(web_client_for, member):
    from reports.models import Budget

    client = web_client_for(member)
    response = client.post(reverse("budget_list"), {"name": "Lunches", "amount": "150.00", "period": "week"})
    assert response.status_code == HTTPStatus.FOUND
    assert Budget.objects.get(user=member).name == "Lunches"
    assert "Lunches" in client.get(reverse("budget_list")).content.decode()


def test_member_cannot_delete_someone_elses_budget(web_client_for, member, outsider):
    from reports.tests.factories import BudgetFactory

    budget = BudgetFactory(user=outsider)
    response = web_client_for(member).post(reverse("budget_delete", args=[budget.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_policy_flag_partial_shows_the_excess_for_the_approvals_queue(member, team_a):
    import datetime
    from decimal import Decimal

    from django.template.loader import render_to_string
    from django.utils import timezone

    from expenses import services
    from expenses.models import Expense
    from reports.tests.factories import MealPolicyFactory

    MealPolicyFactory(team=team_a, meal_type="dinner", max_per_person=Decimal("50.00"))
    services.expense_create(owner=member, amount=Decimal("95.00"), tax=Decimal("7.00"), tip=Decimal("8.00"),
                            currency="USD", meal_type="dinner", is_business=True, business_purpose="Client",
                            occurred_at=timezone.now() - datetime.timedelta(hours=1))  # fmt: skip
    expense = Expense.objects.select_related("policy_flag").get(owner=member)
    badge = render_to_string("expenses/_policy_flag.html", {"expense": expense})
    assert "Over policy: $80.00 per attendee on the subtotal, limit $50.00" in badge
