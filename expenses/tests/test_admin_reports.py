"""The back office for the new roles: auditors read their teams and change nothing; finance pays batches by an
action; reports and batches are scoped like everywhere else."""

from http import HTTPStatus

from django.urls import reverse

from accounts.tests.factories import AuditorFactory, FinanceFactory
from expenses.choices import ExpenseStatus
from expenses.models import Expense, ExpenseReport
from expenses.tests.factories import ExpenseFactory
from expenses.tests.report_factories import ReimbursementBatchFactory


def test_auditor_reads_the_teams_expenses_in_the_admin_and_cannot_change_them(member, outsider, web_client_for):
    auditor = AuditorFactory()
    auditor.audited_teams.add(member.team)
    mine, theirs = ExpenseFactory(owner=member, notes="Audited"), ExpenseFactory(owner=outsider)
    client = web_client_for(auditor)

    listing = client.get(reverse("admin:expenses_expense_changelist"))
    change = client.post(reverse("admin:expenses_expense_change", args=[mine.pk]), {"notes": "Changed"})
    foreign = client.get(reverse("admin:expenses_expense_change", args=[theirs.pk]))

    assert listing.status_code == HTTPStatus.OK
    assert mine.notes.encode() in listing.content or str(mine.pk).encode() in listing.content
    assert change.status_code == HTTPStatus.FORBIDDEN
    assert Expense.objects.get(pk=mine.pk).notes == "Audited"
    assert foreign.status_code == HTTPStatus.FOUND  # "not found" sends back to the admin index


def test_finance_marks_a_batch_paid_by_the_admin_action(member, web_client_for):
    finance = FinanceFactory()
    batch = ReimbursementBatchFactory(created_by=finance)
    expense = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.APPROVED, batch=batch)

    response = web_client_for(finance).post(
        reverse("admin:expenses_reimbursementbatch_changelist"),
        {"action": "mark_paid", "_selected_action": [batch.pk]},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Expense.objects.get(pk=expense.pk).status == ExpenseStatus.REIMBURSED


def test_reports_in_the_admin_are_scoped_to_the_managers_team(member, outsider, manager, web_client_for):
    ExpenseReport.objects.create(owner=member, title="Team A report")
    ExpenseReport.objects.create(owner=outsider, title="Team B report")

    page = web_client_for(manager).get(reverse("admin:expenses_expensereport_changelist"))

    assert b"Team A report" in page.content
    assert b"Team B report" not in page.content
