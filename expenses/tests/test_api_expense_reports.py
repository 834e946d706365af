"""Expense reports through the API, end to end: the member builds and submits, the manager approves some lines and
rejects one, finance approves the lines above the team's limit and pays them in a batch."""

import csv
import datetime
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.tests.factories import FinanceFactory
from expenses.choices import ExpenseStatus
from expenses.models import ApprovalEvent, Expense, ExpenseReport
from expenses.tests.factories import CategoryFactory, ExpenseFactory


@pytest.fixture
def finance(db):
    return FinanceFactory(email="finance@example.com")


@pytest.fixture
def meals(member, team_a):
    """Four business drafts of the member's; the team wants finance's approval above 100."""
    team_a.second_approval_above = Decimal("100.00")
    team_a.save()
    amounts = ["40.00", "55.00", "180.00", "30.00"]
    return [ExpenseFactory(owner=member, business=True, amount=Decimal(a), tax=0, tip=0) for a in amounts]


def url(name, **kwargs):
    return reverse(f"expenses_api:{name}", kwargs=kwargs)


def test_report_flow_from_building_to_payment(member, manager, finance, meals, api_client_for):
    owner, approver, payer = api_client_for(member), api_client_for(manager), api_client_for(finance)
    small, second, large, refused = meals

    created = owner.post(
        url("report-list"),
        {"title": "March clients", "purpose": "Client meals", "expenses": [m.pk for m in meals]},
        format="json",
    )
    assert created.status_code == HTTPStatus.CREATED, created.json()
    report = created.json()["id"]
    assert created.json()["line_count"] == 4

    submitted = owner.post(url("report-submit", pk=report), {}, format="json")
    assert submitted.status_code == HTTPStatus.OK, submitted.json()
    assert submitted.json()["status"] == "submitted"
    assert set(Expense.objects.filter(report=report).values_list("status", flat=True)) == {"submitted"}

    rejected = approver.post(
        url("report-reject-line", pk=report), {"expense": refused.pk, "comment": "Personal coffee"}, format="json"
    )
    assert rejected.status_code == HTTPStatus.OK, rejected.json()
    approved = approver.post(url("report-approve", pk=report), {"comment": "Fine"}, format="json")
    assert approved.status_code == HTTPStatus.OK, approved.json()
    statuses = {line["id"]: line["status"] for line in approved.json()["lines"]}
    assert statuses == {small.pk: "approved", second.pk: "approved", large.pk: "second_review", refused.pk: "rejected"}
    chain = next(line["chain"] for line in approved.json()["lines"] if line["id"] == large.pk)
    assert [(step["label"], step["state"]) for step in chain] == [("Manager", "approved"), ("Finance", "waiting")]

    finance_approves = payer.post(url("report-approve", pk=report), {}, format="json")
    assert finance_approves.status_code == HTTPStatus.OK, finance_approves.json()
    assert finance_approves.json()["status"] == "partly_approved"

    batch = payer.post(
        url("batch-list"), {"reference": "PAY-2026-03", "payout_date": "2026-03-31", "reports": [report]}, format="json"
    )
    assert batch.status_code == HTTPStatus.CREATED, batch.json()
    assert batch.json()["expense_count"] == 3
    paid = payer.post(url("batch-pay", pk=batch.json()["id"]), format="json")
    assert paid.status_code == HTTPStatus.OK, paid.json()
    assert paid.json()["status"] == "paid"

    assert Expense.objects.get(pk=large.pk).status == ExpenseStatus.REIMBURSED
    assert ApprovalEvent.objects.filter(to_status="reimbursed", actor=finance).count() == 3
    payout = payer.get(url("batch-payout-csv", pk=batch.json()["id"]))
    rows = list(csv.DictReader(io.StringIO(payout.content.decode())))
    assert [(r["payee_email"], r["amount"], r["expenses"]) for r in rows] == [(member.email, "275.00", "3")]


def test_report_totals_per_category_attendee_and_policy(member, manager, api_client_for, django_assert_max_num_queries):
    food = CategoryFactory(owner=member, name="Client food")
    lines = [
        ExpenseFactory(owner=member, business=True, amount=Decimal("60.00"), tax=0, tip=0, category=food, party_size=2)
        for _ in range(3)
    ]
    report = ExpenseReport.objects.create(owner=member, title="Q1")
    Expense.objects.filter(pk__in=[e.pk for e in lines]).update(report=report)
    from expenses.tests.factories import AttendeeFactory

    for line in lines:
        AttendeeFactory(expense=line, name="Ann Lee", company="ACME")

    with django_assert_max_num_queries(12):
        response = api_client_for(member).get(url("report-detail", pk=report.pk))

    totals = response.json()["totals"]
    assert totals["total"] == "180.00"
    assert totals["per_category"] == [{"category": "Client food", "count": 3, "total": "180.00"}]
    assert totals["per_attendee"] == [{"attendee": "Ann Lee", "company": "ACME", "meals": 3, "total": "90.00"}]


def test_submitting_a_report_applies_each_meals_rules(member, api_client_for):
    no_purpose = ExpenseFactory(owner=member, business=True, business_purpose="")
    client = api_client_for(member)
    report = client.post(url("report-list"), {"title": "April", "expenses": [no_purpose.pk]}, format="json").json()

    response = client.post(url("report-submit", pk=report["id"]), {}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "business_purpose" in response.json()["errors"]
    assert Expense.objects.get(pk=no_purpose.pk).status == ExpenseStatus.DRAFT


def test_report_of_a_period_takes_the_meals_of_those_days(member, api_client_for):
    inside = ExpenseFactory(
        owner=member, business=True, occurred_at=datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)
    )
    ExpenseFactory(owner=member, business=True, occurred_at=datetime.datetime(2026, 4, 2, 12, tzinfo=datetime.UTC))

    response = api_client_for(member).post(
        url("report-list"),
        {"title": "March", "basis": "period", "period_start": "2026-03-01", "period_end": "2026-03-31"},
        format="json",
    )

    assert response.status_code == HTTPStatus.CREATED
    assert list(Expense.objects.filter(report=response.json()["id"]).values_list("pk", flat=True)) == [inside.pk]


def test_a_colleagues_meal_cannot_join_my_report(member, teammate, api_client_for):
    theirs = ExpenseFactory(owner=teammate, business=True)

    response = api_client_for(member).post(url("report-list"), {"title": "X", "expenses": [theirs.pk]}, format="json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "expenses" in response.json()["errors"]


def test_report_list_query_count_does_not_grow(member, api_client_for, django_assert_max_num_queries):
    for n in range(5):
        report = ExpenseReport.objects.create(owner=member, title=f"R{n}")
        ExpenseFactory(owner=member, business=True, report=report)

    with django_assert_max_num_queries(4):
        response = api_client_for(member).get(url("report-list"))

    assert len(response.json()["results"] if isinstance(response.json(), dict) else response.json()) == 5


def test_batch_refuses_meals_not_approved(member, finance, api_client_for):
    draft = ExpenseFactory(owner=member, business=True)

    response = api_client_for(finance).post(
        url("batch-list"), {"reference": "PAY-1", "payout_date": "2026-03-31", "expenses": [draft.pk]}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "expenses" in response.json()["errors"]


def test_managers_cannot_create_batches(member, manager, api_client_for):
    approved = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.APPROVED)

    response = api_client_for(manager).post(
        url("batch-list"), {"reference": "PAY-1", "payout_date": "2026-03-31", "expenses": [approved.pk]}, format="json"
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
