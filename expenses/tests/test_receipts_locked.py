"""Receipts follow their expense's lock on every surface: API, web pages and the Django admin.

The attack: a member deletes or swaps the receipt of a submitted or approved meal through the API (204/201, no trace
in the approval trail) although the web page refuses it. Now the owner changes receipts only while the expense is
recorded, draft or rejected; a manager never does; an admin may at any time, and each such change is written to the
expense's approval trail.
"""

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from expenses.choices import ExpenseStatus
from expenses.models import ApprovalEvent, Receipt
from expenses.tests.factories import ExpenseFactory, ReceiptFactory
from expenses.tests.test_receipts_storage import photo

pytestmark = pytest.mark.django_db

LOCKED = [ExpenseStatus.SUBMITTED, ExpenseStatus.APPROVED, ExpenseStatus.REIMBURSED]
OPEN = [ExpenseStatus.DRAFT, ExpenseStatus.REJECTED]


def business_meal(owner, status):
    expense = ExpenseFactory(owner=owner, business=True, status=status)
    return expense, ReceiptFactory(expense=expense, original_name="dinner.png")


def api_upload(client, expense):
    file = SimpleUploadedFile("swapped.jpg", photo())
    return client.post(reverse("expenses_api:receipt-list"), {"expense": expense.pk, "file": file}, format="multipart")


def api_delete(client, receipt):
    return client.delete(reverse("expenses_api:receipt-detail", kwargs={"pk": receipt.pk}))


def web_upload(client, expense):
    return client.post(reverse("receipt_add", args=[expense.pk]), {"receipt": SimpleUploadedFile("swap.jpg", photo())})


def web_remove(client, receipt):
    return client.post(reverse("receipt_remove", args=[receipt.expense_id, receipt.pk]))


def trail(expense) -> list[str]:
    return list(ApprovalEvent.objects.filter(expense=expense).values_list("comment", flat=True))


# --- API -------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", LOCKED)
def test_the_owner_cannot_delete_the_receipt_of_a_locked_expense_through_the_api(member, api_client_for, status):
    expense, receipt = business_meal(member, status)

    response = api_delete(api_client_for(member), receipt)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["code"] == "permission_denied"
    assert Receipt.objects.filter(pk=receipt.pk).exists()
    assert trail(expense) == []


@pytest.mark.parametrize("status", LOCKED)
def test_the_owner_cannot_add_a_receipt_to_a_locked_expense_through_the_api(member, api_client_for, status):
    expense, receipt = business_meal(member, status)

    response = api_upload(api_client_for(member), expense)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert list(expense.receipts.all()) == [receipt]
    assert trail(expense) == []


@pytest.mark.parametrize("status", OPEN)
def test_the_owner_still_changes_receipts_of_a_draft_or_rejected_expense_through_the_api(
    member, api_client_for, status
):
    expense, receipt = business_meal(member, status)
    client = api_client_for(member)

    assert api_upload(client, expense).status_code == HTTPStatus.CREATED
    assert api_delete(client, receipt).status_code == HTTPStatus.NO_CONTENT
    assert [r.original_name for r in expense.receipts.all()] == ["swapped.jpg"]
    assert trail(expense) == []  # the owner's own changes before a decision are not audit events


@pytest.mark.parametrize("status", [ExpenseStatus.DRAFT, *LOCKED])
def test_a_manager_cannot_change_a_team_members_receipts_through_the_api(member, manager, api_client_for, status):
    expense, receipt = business_meal(member, status)
    client = api_client_for(manager)

    assert api_delete(client, receipt).status_code == HTTPStatus.FORBIDDEN
    assert api_upload(client, expense).status_code == HTTPStatus.FORBIDDEN
    assert list(expense.receipts.all()) == [receipt]


def test_an_admin_may_swap_the_receipt_of_an_approved_expense_and_the_trail_records_it(
    member, site_admin, api_client_for
):
    expense, receipt = business_meal(member, ExpenseStatus.APPROVED)
    client = api_client_for(site_admin)

    assert api_delete(client, receipt).status_code == HTTPStatus.NO_CONTENT
    assert api_upload(client, expense).status_code == HTTPStatus.CREATED

    assert trail(expense) == [
        "Receipt dinner.png removed by admin@example.com",
        "Receipt swapped.jpg attached by admin@example.com",
    ]
    events = ApprovalEvent.objects.filter(expense=expense)
    assert {(e.actor_id, e.from_status, e.to_status) for e in events} == {
        (site_admin.pk, ExpenseStatus.APPROVED, ExpenseStatus.APPROVED)
    }


def test_an_admins_change_to_a_personal_meal_is_not_an_approval_event(member, site_admin, api_client_for):
    expense = ExpenseFactory(owner=member)  # recorded: no approval flow
    receipt = ReceiptFactory(expense=expense)

    assert api_delete(api_client_for(site_admin), receipt).status_code == HTTPStatus.NO_CONTENT
    assert trail(expense) == []


# --- Web pages -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", LOCKED)
def test_the_owner_cannot_remove_or_add_receipts_of_a_locked_expense_on_the_web(member, web_client_for, status):
    expense, receipt = business_meal(member, status)
    client = web_client_for(member)

    assert web_remove(client, receipt).status_code == HTTPStatus.FORBIDDEN
    assert web_upload(client, expense).status_code == HTTPStatus.FORBIDDEN
    assert list(expense.receipts.all()) == [receipt]
    assert trail(expense) == []


def test_the_owner_adds_and_removes_receipts_of_a_draft_on_the_web(member, web_client_for):
    expense, receipt = business_meal(member, ExpenseStatus.DRAFT)
    client = web_client_for(member)

    assert web_upload(client, expense).status_code == HTTPStatus.FOUND
    assert web_remove(client, receipt).status_code == HTTPStatus.FOUND
    assert [r.original_name for r in expense.receipts.all()] == ["swap.jpg"]


@pytest.mark.parametrize("status", [ExpenseStatus.DRAFT, ExpenseStatus.APPROVED])
def test_a_manager_cannot_remove_or_add_a_team_members_receipts_on_the_web(member, manager, web_client_for, status):
    expense, receipt = business_meal(member, status)
    client = web_client_for(manager)

    assert web_remove(client, receipt).status_code == HTTPStatus.FORBIDDEN
    assert web_upload(client, expense).status_code == HTTPStatus.FORBIDDEN
    assert list(expense.receipts.all()) == [receipt]


def test_an_admin_removes_a_receipt_of_a_submitted_expense_on_the_web_and_the_trail_records_it(
    member, site_admin, web_client_for
):
    expense, receipt = business_meal(member, ExpenseStatus.SUBMITTED)
    client = web_client_for(site_admin)

    assert web_remove(client, receipt).status_code == HTTPStatus.FOUND
    assert web_upload(client, expense).status_code == HTTPStatus.FOUND

    assert [r.original_name for r in expense.receipts.all()] == ["swap.jpg"]
    assert trail(expense) == [
        "Receipt dinner.png removed by admin@example.com",
        "Receipt swap.jpg attached by admin@example.com",
    ]


def test_editing_a_locked_expense_with_a_receipt_on_the_web_is_refused(member, web_client_for):
    expense, receipt = business_meal(member, ExpenseStatus.APPROVED)

    response = web_client_for(member).post(
        reverse("expense_edit", args=[expense.pk]), {"receipt": SimpleUploadedFile("swap.jpg", photo())}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert list(expense.receipts.all()) == [receipt]


# --- Django admin ----------------------------------------------------------------------------------------------------
def test_an_admin_deleting_a_receipt_in_the_django_admin_goes_through_the_lock_and_the_trail(
    member, site_admin, web_client_for
):
    expense, receipt = business_meal(member, ExpenseStatus.APPROVED)

    response = web_client_for(site_admin).post(
        reverse("admin:expenses_receipt_delete", args=[receipt.pk]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not Receipt.objects.filter(pk=receipt.pk).exists()
    assert trail(expense) == ["Receipt dinner.png removed by admin@example.com"]


def test_the_django_admins_bulk_delete_of_receipts_records_each_in_the_trail(member, site_admin, web_client_for):
    first, first_receipt = business_meal(member, ExpenseStatus.APPROVED)
    second, second_receipt = business_meal(member, ExpenseStatus.SUBMITTED)

    response = web_client_for(site_admin).post(
        reverse("admin:expenses_receipt_changelist"),
        {"action": "delete_selected", "_selected_action": [first_receipt.pk, second_receipt.pk], "post": "yes"},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not Receipt.objects.exists()
    assert trail(first) == trail(second) == ["Receipt dinner.png removed by admin@example.com"]


def test_receipts_cannot_be_edited_in_the_django_admin(member, site_admin, web_client_for):
    _, receipt = business_meal(member, ExpenseStatus.APPROVED)
    url = reverse("admin:expenses_receipt_change", args=[receipt.pk])

    web_client_for(site_admin).post(url, {"original_name": "other.png", "ocr_total": "1.00"})

    receipt.refresh_from_db()
    assert (receipt.original_name, receipt.ocr_total) == ("dinner.png", None)


def test_a_manager_cannot_delete_receipts_in_the_django_admin(member, manager, web_client_for):
    _, receipt = business_meal(member, ExpenseStatus.APPROVED)

    response = web_client_for(manager).post(
        reverse("admin:expenses_receipt_delete", args=[receipt.pk]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Receipt.objects.filter(pk=receipt.pk).exists()
