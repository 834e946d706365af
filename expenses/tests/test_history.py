"""Every write path of an expense leaves an entry in its history with who, when, through what, old and new values."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses import services
from expenses.history_selectors import expense_history_rows
from expenses.models import Category, ChangeSource, Expense, ExpenseChange
from expenses.services.batches import batch_create
from expenses.services.expense_reports import report_create
from expenses.tests.factories import CategoryFactory, ExpenseFactory, RestaurantFactory
from expenses.tests.test_views_expenses import expense_form_data

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.now() - datetime.timedelta(days=1)


def last_change(expense) -> ExpenseChange:
    return ExpenseChange.objects.filter(expense=expense).order_by("-id").first()


def business_meal(owner, **values):
    return services.expense_create(
        owner=owner, amount=Decimal("42.00"), occurred_at=YESTERDAY, is_business=True, business_purpose="Client",
        **values,
    )  # fmt: skip


def test_creation_is_the_first_entry(member):
    expense = business_meal(member)
    change = last_change(expense)
    assert (change.actor, change.source, change.changes["amount"]) == (
        member,
        ChangeSource.SYSTEM,
        {"old": None, "new": "42.00", "old_label": None, "new_label": None},
    )


def test_web_form_edit_records_old_and_new_values(web_client_for, member):
    expense = ExpenseFactory(owner=member)
    response = web_client_for(member).post(
        reverse("expense_edit", args=[expense.pk]), expense_form_data(amount="60.00", version=expense.version)
    )
    assert response.status_code == HTTPStatus.FOUND
    change = last_change(expense)
    assert (change.actor, change.source) == (member, ChangeSource.WEB)
    assert (change.changes["amount"]["old"], change.changes["amount"]["new"]) == ("24.50", "60.00")


def test_api_patch_records_the_change(api_client_for, member):
    expense = ExpenseFactory(owner=member, notes="")
    url = reverse("expenses_api:expense-detail", kwargs={"pk": expense.pk})
    response = api_client_for(member).patch(url, {"notes": "Team lunch", "party_size": 3}, format="json")
    assert response.status_code == HTTPStatus.OK
    change = last_change(expense)
    assert change.source == ChangeSource.API
    assert change.changes["notes"]["new"] == "Team lunch"
    assert (change.changes["party_size"]["old"], change.changes["party_size"]["new"]) == ("1", "3")
    assert "version" not in change.changes
    assert "updated_at" not in change.changes


def test_api_patch_with_if_match_records_the_change(api_client_for, member):
    client = api_client_for(member)
    created = client.post(
        reverse("expenses_api:expense-list"), {"amount": "10.00", "occurred_at": YESTERDAY.isoformat()}, format="json"
    )
    pk = created.json()["id"]
    url = reverse("expenses_api:expense-detail", kwargs={"pk": pk})
    response = client.patch(url, {"amount": "12.00", "meal_type": "lunch"}, format="json", HTTP_IF_MATCH=f'"{pk}-1"')
    assert response.status_code == HTTPStatus.OK
    change = last_change(Expense.objects.get(pk=pk))
    assert change.source == ChangeSource.API
    assert change.changes["amount"] == {"old": "10.00", "new": "12.00", "old_label": None, "new_label": None}
    assert change.changes["meal_type"]["new_label"] == "Lunch"


def test_history_is_in_the_api_for_whoever_sees_the_expense(api_client_for, member, manager, outsider):
    expense = ExpenseFactory(owner=member)
    services.expense_update(expense=expense, actor=member, notes="Changed")
    url = reverse("expenses_api:expense-history", kwargs={"pk": expense.pk})
    body = api_client_for(manager).get(url).json()
    assert body[-1]["changes"]["notes"]["new"] == "Changed"
    assert body[-1]["actor"] == member.email
    assert api_client_for(outsider).get(url).status_code == HTTPStatus.NOT_FOUND


def test_approval_decisions_are_in_the_history(member, manager):
    expense = business_meal(member)
    services.expense_submit(expense=expense, actor=member)
    services.expense_reject(expense=expense, actor=manager, comment="Which client?")
    change = last_change(expense)
    assert (change.actor, change.source) == (manager, ChangeSource.SYSTEM)
    assert change.changes["status"]["old"] == "submitted"
    assert (change.changes["status"]["new"], change.changes["status"]["new_label"]) == ("rejected", "Rejected")


def test_admin_correction_after_approval_keeps_old_and_new_values(member, manager, site_admin):
    expense = business_meal(member)
    services.expense_submit(expense=expense, actor=member)
    services.expense_approve(expense=expense, actor=manager)
    services.expense_update(expense=expense, actor=site_admin, amount=Decimal("40.00"))
    change = last_change(expense)
    assert change.actor == site_admin
    assert (change.changes["amount"]["old"], change.changes["amount"]["new"]) == ("42.00", "40.00")


def test_back_office_action_is_recorded_as_admin(web_client_for, member, manager):
    expense = business_meal(member)
    services.expense_submit(expense=expense, actor=member)
    web_client_for(manager).post(
        reverse("admin:expenses_expense_changelist"),
        {"action": "approve_selected", "_selected_action": [expense.pk]},
    )
    change = last_change(expense)
    assert (change.actor, change.source, change.changes["status"]["new"]) == (manager, ChangeSource.ADMIN, "approved")


def test_attendee_and_tag_changes_are_recorded(member, teammate):
    expense = business_meal(member)
    services.expense_update(expense=expense, actor=member, attendees=[{"user": teammate.pk}], tags=["client"])
    change = last_change(expense)
    assert change.changes["attendees"]["new"] == teammate.email
    assert change.changes["tags"]["new"] == "client"


def test_import_records_a_creation_entry_per_meal(member):
    from reports.services.imports import import_batch_apply, import_batch_create

    payload = b"date,amount,currency,restaurant\n2026-03-02,20.50,USD,Place 1\n2026-03-03,21.50,USD,Place 2\n"
    batch = import_batch_create(owner=member, filename="meals.csv", payload=payload)
    import_batch_apply(batch=batch, actor=member)
    changes = ExpenseChange.objects.filter(expense__owner=member)
    assert changes.count() == 2
    assert {change.source for change in changes} == {ChangeSource.IMPORT}
    assert sorted(change.changes["amount"]["new"] for change in changes) == ["20.50", "21.50"]


def test_a_bulk_creation_entry_holds_every_field_value_and_label_the_expense_has(member):
    from expenses.services.expenses import expenses_create_many
    from expenses.services.history import expense_state

    restaurant, category = RestaurantFactory(owner=member, name="Chez Lu"), CategoryFactory(owner=member, name="Team")
    draft = {"amount": Decimal("42.00"), "occurred_at": YESTERDAY, "meal_type": "dinner", "order_type": "takeout",
             "payment_method": "cash", "is_business": True, "business_purpose": "Client", "notes": "",
             "restaurant": restaurant, "category": category}  # fmt: skip
    created = expenses_create_many(owner=member, drafts=[draft, {**draft, "is_business": False}])
    for expense in created:
        expected = {
            name: {"old": None, "new": value["value"], "old_label": None, "new_label": value["label"]}
            for name, value in expense_state(expense, related=False).items()
            if value["value"] not in (None, "")
        }
        assert last_change(expense).changes == expected
        assert (expected["restaurant"]["new_label"], expected["category"]["new_label"]) == ("Chez Lu", "Team")
    assert last_change(created[0]).changes["meal_type"] == {
        "old": None, "new": "dinner", "old_label": None, "new_label": "Dinner"
    }  # fmt: skip


def test_a_bulk_creation_entry_is_the_json_text_of_the_expense_state_of_each_meal(member):
    import json
    from zoneinfo import ZoneInfo

    from expenses.choices import ExpenseStatus, MealType
    from expenses.services.history import _created_changes, expense_state

    restaurant, other = RestaurantFactory(owner=member, name='Chez "Lu" é'), RestaurantFactory(owner=member)
    category = CategoryFactory(owner=member, name="Team\nlunch")
    tokyo = datetime.datetime(2026, 3, 1, 19, 45, 30, 120, tzinfo=ZoneInfo("Asia/Tokyo"))
    meals = [
        Expense(owner=member, restaurant=restaurant, category=category, amount=Decimal("12.50"),
                tip=Decimal("1.0"), currency="EUR", reporting_amount=Decimal("13.75"), exchange_rate=Decimal("1.1"),
                occurred_at=tokyo, cleared_on=datetime.date(2026, 3, 2), meal_type=MealType.DINNER,
                notes='quote " tab\t line\n back\\ é 🍕', is_business=True, status=ExpenseStatus.DRAFT,
                payment_method="cash", charged_amount=Decimal("14"), charged_currency="USD"),
        Expense(owner=member, restaurant=restaurant, amount=Decimal("12.50"), tip=Decimal("1.00"), currency="USD",
                reporting_amount=Decimal("12.50"), occurred_at=tokyo.astimezone(datetime.UTC), meal_type="dinner",
                notes="", party_size=2),
        Expense(owner=member, restaurant=other, amount=Decimal("9"), currency="USD", reporting_amount=Decimal("9"),
                occurred_at=YESTERDAY, meal_type="other", order_type="not a choice", payment_method=""),
        Expense(owner=member, restaurant_id=restaurant.pk, amount=Decimal("9"), currency="USD",
                reporting_amount=Decimal("9"), occurred_at=YESTERDAY),  # the restaurant's id without the object
    ]  # fmt: skip

    written = _created_changes(meals)

    for meal, text in zip(meals, written, strict=True):
        expected = {
            name: {"old": None, "new": value["value"], "old_label": None, "new_label": value["label"]}
            for name, value in expense_state(meal, related=False).items()
            if value["value"] not in (None, "")
        }
        assert text == json.dumps(expected)
    assert json.loads(written[0])["tip"]["new"] == "1.0"
    assert json.loads(written[1])["tip"]["new"] == "1.00"
    assert json.loads(written[3])["restaurant"] == {"old": None, "new": str(restaurant.pk), "old_label": None,
                                                    "new_label": None}  # fmt: skip


def test_restore_records_a_creation_entry_per_meal(member):
    import json

    from reports.services.backups import user_data_export, user_data_import

    ExpenseFactory(owner=member, amount=Decimal("31.00"), reporting_amount=Decimal("31.00"))
    data = json.loads(user_data_export(member))
    Expense.objects.all().delete()
    member.delete()
    restored = user_data_import(data)
    change = ExpenseChange.objects.get(expense__owner=restored)
    assert (change.source, change.changes["amount"]["new"]) == (ChangeSource.RESTORE, "31.00")


def test_bulk_category_move_records_each_meal(member):
    old, new = CategoryFactory(owner=member, name="Old"), CategoryFactory(owner=member, name="New")
    old_pk = old.pk
    expenses = [ExpenseFactory(owner=member, category=old) for _ in range(2)]
    services.category_delete(category=old, reassign_to=new)
    for expense in expenses:
        change = last_change(expense)
        assert change.source == ChangeSource.BULK
        assert change.changes["category"] == {
            "old": str(old_pk), "new": str(new.pk), "old_label": None, "new_label": "New"
        }  # fmt: skip
    assert not Category.objects.filter(pk=old.pk).exists()


def test_restaurant_merge_records_the_moved_meals(member):
    from expenses.services.restaurants import restaurant_merge

    kept, merged = RestaurantFactory(owner=member, name="Kept"), RestaurantFactory(owner=member, name="Merged")
    expense = ExpenseFactory(owner=member, restaurant=merged)
    restaurant_merge(owner=member, restaurant_ids=[kept.pk, merged.pk], keep_id=kept.pk)
    change = last_change(expense)
    assert (change.actor, change.changes["restaurant"]["old"], change.changes["restaurant"]["new"]) == (
        member,
        str(merged.pk),
        str(kept.pk),
    )


def test_report_lines_and_batches_are_recorded(member, manager, site_admin):
    expense = business_meal(member)
    report = report_create(owner=member, title="March", expense_ids=[expense.pk])
    assert last_change(expense).changes["report"]["new_label"] == "March"
    services.expense_submit(expense=expense, actor=member)
    services.expense_approve(expense=expense, actor=manager)
    batch = batch_create(actor=site_admin, reference="PAY-1", payout_date=datetime.date(2026, 3, 31),
                         expense_ids=[expense.pk])  # fmt: skip
    change = last_change(expense)
    assert (change.actor, change.changes["batch"]["new"]) == (site_admin, str(batch.pk))
    del report


def test_history_is_append_only(member):
    change = last_change(business_meal(member))
    with pytest.raises(ValueError, match="append-only"):
        change.save()
    with pytest.raises(ValueError, match="append-only"):
        change.delete()


def test_history_rows_for_the_bundle(member):
    expense = ExpenseFactory(owner=member)
    services.expense_update(expense=expense, actor=member, notes="For the bundle")
    rows = expense_history_rows(expense)
    assert (rows[-1]["field"], rows[-1]["new"]) == ("notes", "For the bundle")
    assert rows[-1]["actor"] == member.email


def test_expense_page_shows_the_history(web_client_for, member):
    expense = ExpenseFactory(owner=member)
    services.expense_update(expense=expense, actor=member, notes="Shown on the page")
    page = web_client_for(member).get(reverse("expense_detail", args=[expense.pk])).content.decode()
    assert 'data-testid="history"' in page
    assert "Shown on the page" in page


def test_bill_items_through_the_api_are_recorded(api_client_for, member):
    expense = ExpenseFactory(owner=member)
    url = reverse("expenses_api:expense-items", args=[expense.pk])
    items = {"items": [{"description": "Curry", "quantity": "2", "amount": "15.00"}]}
    assert api_client_for(member).put(url, items, format="json").status_code == HTTPStatus.OK
    change = last_change(expense)
    assert (change.source, change.changes["line_items"]["old"]) == (ChangeSource.API, "")
    assert change.changes["line_items"]["new"] == "Curry x2.000 15.00"


def test_receipts_attached_and_removed_are_recorded(api_client_for, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    expense = ExpenseFactory(owner=member)
    client = api_client_for(member)
    upload = SimpleUploadedFile("lunch.png", png, content_type="image/png")
    created = client.post(
        reverse("expenses_api:receipt-list"), {"expense": expense.pk, "file": upload}, format="multipart"
    )
    assert created.status_code == HTTPStatus.CREATED
    assert last_change(expense).changes["receipts"]["new"] == "lunch.png"
    client.delete(reverse("expenses_api:receipt-detail", args=[created.json()["id"]]))
    assert last_change(expense).changes["receipts"] == {"old": "lunch.png", "new": None, "old_label": None,
                                                        "new_label": None}  # fmt: skip


def test_the_page_shows_a_changed_moment_in_the_readers_time_zone(web_client_for, member):
    member.timezone = "Asia/Tokyo"
    member.save(update_fields=["timezone"])
    expense = ExpenseFactory(owner=member, occurred_at=datetime.datetime(2026, 3, 2, 3, 30, tzinfo=datetime.UTC))
    services.expense_update(
        expense=expense, actor=member, occurred_at=datetime.datetime(2026, 3, 2, 4, 15, tzinfo=datetime.UTC)
    )

    page = web_client_for(member).get(reverse("expense_detail", args=[expense.pk])).content.decode()

    assert "2 Mar 2026, 12:30" in page  # 03:30 UTC, read in Tokyo
    assert "2 Mar 2026, 13:15" in page
    assert "2026-03-02T04:15:00+00:00" not in page
