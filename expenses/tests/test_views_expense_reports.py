"""Expense report and reimbursement pages: what each person sees and may do, and their query counts."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.tests.factories import AuditorFactory, FinanceFactory
from expenses.choices import ExpenseStatus
from expenses.models import Expense, ExpenseReport, ReimbursementBatch
from expenses.services import expense_submit
from expenses.tests.factories import AttendeeFactory, ExpenseFactory


def report_of(owner, *, lines=3, submit=False):
    report = ExpenseReport.objects.create(owner=owner, title="Client week")
    for n in range(lines):
        expense = ExpenseFactory(owner=owner, business=True, amount=Decimal("20.00") + n, tax=0, tip=0, party_size=2)
        AttendeeFactory(expense=expense, name=f"Guest {n}", company="ACME")
        Expense.objects.filter(pk=expense.pk).update(report=report)
        if submit:
            expense_submit(expense=expense, actor=owner)
    return report


def test_member_builds_a_report_from_the_form(member, web_client_for):
    meals = [ExpenseFactory(owner=member, business=True) for _ in range(2)]

    response = web_client_for(member).post(
        reverse("report_create"),
        {"title": "March", "purpose": "Clients", "basis": "selection", "expenses": [m.pk for m in meals]},
    )

    report = ExpenseReport.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("report_detail", kwargs={"pk": report.pk})
    assert report.lines.count() == 2


def test_report_list_reads_a_fixed_number_of_queries(member, web_client_for, django_assert_max_num_queries):
    for _ in range(6):
        report_of(member, lines=2)
    client = web_client_for(member)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("report_list"))

    assert response.status_code == HTTPStatus.OK
    assert response.content.count(b'data-testid="report-row"') == 6


def test_report_page_reads_a_fixed_number_of_queries(member, manager, web_client_for, django_assert_max_num_queries):
    small, large = report_of(member, lines=2, submit=True), report_of(member, lines=12, submit=True)
    client = web_client_for(manager)
    client.get(reverse("report_detail", kwargs={"pk": small.pk}))

    with django_assert_max_num_queries(40) as small_queries:
        client.get(reverse("report_detail", kwargs={"pk": small.pk}))
    with django_assert_max_num_queries(len(small_queries.captured_queries)) as large_queries:
        response = client.get(reverse("report_detail", kwargs={"pk": large.pk}))

    assert response.content.count(b'data-testid="line-approve"') == 12
    assert len(large_queries.captured_queries) <= len(small_queries.captured_queries)


def test_manager_rejects_one_line_with_a_reason_on_the_page(member, manager, web_client_for):
    report = report_of(member, lines=2, submit=True)
    refused = report.lines.first()

    web_client_for(manager).post(
        reverse("report_reject_line", kwargs={"pk": report.pk}), {"expense": refused.pk, "comment": "Not a client"}
    )
    page = web_client_for(member).get(reverse("report_detail", kwargs={"pk": report.pk}))

    assert Expense.objects.get(pk=refused.pk).status == ExpenseStatus.REJECTED
    assert "Not a client" in page.content.decode()


def test_auditor_sees_the_report_without_decisions_and_cannot_approve(member, web_client_for):
    auditor = AuditorFactory()
    auditor.audited_teams.add(member.team)
    report = report_of(member, lines=2, submit=True)
    client = web_client_for(auditor)

    page = client.get(reverse("report_detail", kwargs={"pk": report.pk}))
    approve = client.post(reverse("report_approve", kwargs={"pk": report.pk}))

    assert page.status_code == HTTPStatus.OK
    assert b'data-testid="line-approve"' not in page.content
    assert approve.status_code == HTTPStatus.FORBIDDEN
    assert set(report.lines.values_list("status", flat=True)) == {ExpenseStatus.SUBMITTED}


def test_auditor_may_build_the_bundle(member, web_client_for):
    auditor = AuditorFactory()
    auditor.audited_teams.add(member.team)
    report = report_of(member, lines=1, submit=True)

    response = web_client_for(auditor).post(reverse("report_bundle", kwargs={"pk": report.pk}))

    assert response.status_code == HTTPStatus.FOUND
    assert report.bundles.get().status == "ready"


def test_finance_creates_and_pays_a_batch_on_the_pages(member, web_client_for):
    finance = FinanceFactory()
    approved = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.APPROVED)
    client = web_client_for(finance)

    created = client.post(
        reverse("batch_create"), {"reference": "PAY-77", "payout_date": "2026-04-30", "expenses": [approved.pk]}
    )
    batch = ReimbursementBatch.objects.get()
    paid = client.post(reverse("batch_pay", kwargs={"pk": batch.pk}))
    payout = client.get(reverse("batch_payout_csv", kwargs={"pk": batch.pk}))

    assert (created.status_code, paid.status_code) == (HTTPStatus.FOUND, HTTPStatus.FOUND)
    assert Expense.objects.get(pk=approved.pk).status == ExpenseStatus.REIMBURSED
    assert member.email in payout.content.decode()


def test_members_have_no_reimbursement_pages(member, web_client_for):
    assert web_client_for(member).get(reverse("batch_list")).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("name", ["report_list", "report_create"])
def test_report_pages_need_sign_in(client, name):
    assert client.get(reverse(name)).status_code == HTTPStatus.FOUND


def test_finance_finds_meals_awaiting_the_second_approval_in_the_queue(member, manager, team_a, web_client_for):
    from expenses.services import expense_approve

    team_a.second_approval_above = Decimal("10")
    team_a.save()
    expense = ExpenseFactory(owner=member, business=True, amount=Decimal("80.00"))
    expense_approve(expense=expense_submit(expense=expense, actor=member), actor=manager)

    page = web_client_for(FinanceFactory()).get(reverse("approval_queue"))

    assert page.status_code == HTTPStatus.OK
    assert page.context["approvals_waiting"] == 1


def test_auditor_reads_the_team_list_but_has_no_approval_queue(member, web_client_for):
    auditor = AuditorFactory()
    auditor.audited_teams.add(member.team)
    ExpenseFactory(owner=member, business=True)
    client = web_client_for(auditor)

    assert client.get(reverse("team_expense_list")).status_code == HTTPStatus.OK
    assert client.get(reverse("approval_queue")).status_code == HTTPStatus.FORBIDDEN


def test_expense_page_shows_the_approval_chain(member, manager, team_a, web_client_for):
    from expenses.services import expense_approve

    team_a.second_approval_above = Decimal("10")
    team_a.save()
    expense = ExpenseFactory(owner=member, business=True, amount=Decimal("80.00"))
    expense_approve(expense=expense_submit(expense=expense, actor=member), actor=manager)

    page = web_client_for(member).get(reverse("expense_detail", kwargs={"pk": expense.pk}))

    assert "Manager <strong>approved</strong>" in page.content.decode()
    assert "Finance <strong>waiting</strong>" in page.content.decode()


def test_batch_list_reads_a_fixed_number_of_queries(member, web_client_for, django_assert_max_num_queries):
    from expenses.tests.report_factories import ReimbursementBatchFactory

    finance = FinanceFactory()
    for n in range(5):
        batch = ReimbursementBatchFactory(created_by=finance)
        ExpenseFactory(owner=member, business=True, status=ExpenseStatus.APPROVED, batch=batch, notes=str(n))
    client = web_client_for(finance)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("batch_list"))

    assert response.content.count(b"PAY-") >= 5
