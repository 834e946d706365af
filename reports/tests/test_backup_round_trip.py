"""Backup → restore, and export → import, into a fresh user: every field of the expense's one declaration
(expenses/fields.py) and everything else the user owns comes back equal."""

import datetime
import io
import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from accounts.models import User
from accounts.tests.factories import UserFactory
from expenses import services
from expenses.fields import EXPENSE_FIELDS, Kind, Role
from expenses.loyalty.transfer import loyalty_export
from expenses.models import Category, Expense, Receipt, ReceiptReading, Tag
from expenses.services.loyalty import (
    merchant_rewards_link_set,
    rewards_membership_create,
    rewards_program_create,
)
from expenses.services.receipts import receipt_attach
from expenses.tests.factories import ExchangeRateFactory, MerchantFactory
from reports.models import Budget
from reports.services.backups import RESTAURANT_FIELDS, user_data_import
from reports.services.budgets import budget_create
from reports.tests.conftest import local

ACCOUNT_NUMBER = "9876543210123"


def backup_of(user: User) -> dict:
    out = io.StringIO()
    call_command("export_user_data", user.email, stdout=out)
    return json.loads(out.getvalue())


def restored_copy(user: User, email: str = "copy@example.com") -> User:
    """The user's backup restored under another address, next to the original."""
    backup = backup_of(user)
    backup["user"]["email"] = email
    return user_data_import(backup)


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def full_meal(member, manager):
    """A business meal with every declared field away from its default and a read receipt, approved."""
    member.timezone = "America/New_York"
    member.save(update_fields=["timezone"])
    spoon = MerchantFactory(name="Golden Spoon")
    restaurant = services.restaurant_create(
        owner=member, name="Golden Spoon", location_name="Pier 4", address_line_1="1 Main St",
        address_line_2="Unit 4", city="Boston", region="MA", postal_code="02110", country="US",
        phone="+1 617 555 0123", website="https://spoon.example", place_id="ChIJ-spoon", cuisine="Seafood",
        price_level=3, rating=4, notes="Ask for the window table", latitude=Decimal("42.352200"),
        longitude=Decimal("-71.055200"), merchant=spoon,
    )  # fmt: skip
    category = services.category_create(owner=member, name="Client meals", color="#123456", icon="briefcase")
    ExchangeRateFactory(currency="EUR", date=datetime.date(2026, 3, 1), rate=Decimal("1.08"))  # the card fee's basis
    services.tag_create(owner=member, name="client", color="#abcdef", description="Paid by the client")
    expense = services.expense_create(
        owner=member, occurred_at=local(2026, 3, 2, 19, 45), amount=Decimal("120.00"), tax=Decimal("8.00"),
        tip=Decimal("12.00"), fees=Decimal("3.50"), currency="EUR", exchange_rate=Decimal("1.08123456"),
        charged_amount=Decimal("131.10"),
        charged_currency="USD",
        cleared_on=datetime.date(2026, 3, 4), meal_type="dinner", order_type="catering", party_size=3,
        payment_method="corporate_card", notes='Tried the "chef\'s special", twice\nand the soup',
        is_business=True, business_purpose="Pitch to =ACME, Inc.",
        attendees=[{"name": "A. Client", "company": "=ACME, Inc.", "relationship": "client"}, "B. Partner"],
        restaurant=restaurant, category=category, tags=["client"],
    )  # fmt: skip
    receipt = receipt_attach(expense=expense, file=SimpleUploadedFile("dinner.png", png_bytes()), actor=member)
    ReceiptReading.objects.create(
        receipt=receipt, backend="tesseract", subtotal=Decimal("100.00"), time=datetime.time(19, 42),
        merchant_address="1 Main St", fields={"total": {"value": "120.00", "confidence": 0.93}},
    )  # fmt: skip
    Receipt.objects.filter(pk=receipt.pk).update(ocr_total=Decimal("120.00"), ocr_date=datetime.date(2026, 3, 2))
    services.expense_submit(expense=expense, actor=member, comment="For the pitch")
    return services.expense_approve(expense=Expense.objects.get(pk=expense.pk), actor=manager, comment="Fine")


def restaurant_values(restaurant) -> dict | None:
    if restaurant is None:
        return None
    merchant = restaurant.merchant.name if restaurant.merchant_id else None
    return {**{name: getattr(restaurant, name) for name in RESTAURANT_FIELDS}, "merchant": merchant}


def declared_value(expense: Expense, name: str):
    """A declared field's value, relations by what they are rather than by id."""
    if name == "tags":
        return sorted((tag.name, tag.color, tag.description) for tag in expense.tags.all())
    if name == "category":
        category = expense.category
        return (category.name, category.color, category.icon, category.description) if category else None
    if name == "restaurant":
        return restaurant_values(expense.restaurant)
    if name == "attendees":
        return [(a.name, a.company, a.relationship, a.user_id) for a in expense.attendees.all()]
    if name == "owner":
        owner = expense.owner
        return (owner.display_name, owner.role, owner.timezone, owner.default_currency, owner.team_id)
    return getattr(expense, name)


DEFAULTS = {
    field.name: Expense._meta.get_field(field.name).get_default()
    for field in EXPENSE_FIELDS
    if field.kind is not Kind.RELATION
}


def test_the_test_meal_sets_every_declared_field(full_meal):
    # A field added to the declaration needs a value here, away from its default, or the round trips below
    # would not notice it being dropped.
    unset = [
        field.name
        for field in EXPENSE_FIELDS
        if field.kind is not Kind.RELATION and getattr(full_meal, field.name) in (DEFAULTS[field.name], None, "")
    ]
    assert unset == []
    assert full_meal.status == "approved"


def test_restore_keeps_every_declared_field_of_an_expense(full_meal):
    copy = Expense.objects.get(owner=restored_copy(full_meal.owner))

    differ = {
        field.name: (declared_value(full_meal, field.name), declared_value(copy, field.name))
        for field in EXPENSE_FIELDS
        if field.kind is not Kind.KEY and declared_value(full_meal, field.name) != declared_value(copy, field.name)
    }
    assert differ == {}
    assert copy.pk != full_meal.pk
    assert copy.restaurant.owner_id == copy.category.owner_id == copy.owner_id != full_meal.owner_id


def test_restore_keeps_the_approval_trail_with_its_people_and_times(full_meal, manager):
    copy = Expense.objects.get(owner=restored_copy(full_meal.owner))

    def trail(expense):
        events = expense.approval_events.all()
        return [(e.actor_id, e.from_status, e.to_status, e.comment, e.created_at) for e in events]

    original = trail(full_meal)
    restored = trail(copy)
    assert [event[1:] for event in restored] == [event[1:] for event in original]
    assert [event[0] for event in restored] == [full_meal.owner_id, manager.pk]  # the original people


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_export_then_import_keeps_every_entered_field(api_client_for, full_meal, file_format):
    """An export carries what the user entered (and what follows from it); an import makes a new draft of it."""
    response = api_client_for(full_meal.owner).get(reverse("reports_api:export-expenses", args=[file_format]))
    payload = b"".join(response.streaming_content)
    fresh = UserFactory(email="fresh@example.com", timezone=full_meal.owner.timezone)
    client = api_client_for(fresh)
    batch = client.post(
        reverse("reports_api:import-list"),
        {"file": SimpleUploadedFile(f"expenses.{file_format}", payload)},
        format="multipart",
    ).json()
    assert client.post(reverse("reports_api:import-apply", args=[batch["id"]])).json()["result"]["created"] == 1
    copy = Expense.objects.get(owner=fresh)

    carried = [f.name for f in EXPENSE_FIELDS if f.role is not Role.RECORDED and f.kind is not Kind.RELATION]
    differ = {
        name: (getattr(full_meal, name), getattr(copy, name))
        for name in carried
        if getattr(full_meal, name) != getattr(copy, name)
    }
    assert differ == {}
    assert [t.name for t in copy.tags.all()] == ["client"]
    assert declared_value(copy, "attendees") == declared_value(full_meal, "attendees")
    assert copy.category.name == "Client meals"
    assert (copy.restaurant.name, copy.restaurant.city, copy.restaurant.place_id) == ("Golden Spoon", "Boston",
                                                                                      "ChIJ-spoon")  # fmt: skip
    assert copy.status == "draft"  # an import records the meal; approving it again is the new owner's business


def test_restore_keeps_loyalty_programmes_memberships_and_links(member):
    chipotle = MerchantFactory(name="Chipotle")
    program = rewards_program_create(owner=member, name="Chipotle Rewards", website="https://chipotle.example")
    rewards_membership_create(
        owner=member, program=program, account_number=ACCOUNT_NUMBER, tier="Gold", points_balance=Decimal("120.50"),
        membership_email="me@example.com", notes="Birthday reward in May",
    )  # fmt: skip
    merchant_rewards_link_set(owner=member, merchant=chipotle, program=program)
    rewards_program_create(owner=member, name="Airline miles")  # no membership, no link

    copy = restored_copy(member)

    assert loyalty_export(copy, include_account_numbers=True) == loyalty_export(member, include_account_numbers=True)
    assert copy.rewards_memberships.get().account_number == ACCOUNT_NUMBER


def test_a_backup_never_holds_a_loyalty_account_number_in_clear(member):
    program = rewards_program_create(owner=member, name="Chipotle Rewards")
    rewards_membership_create(owner=member, program=program, account_number=ACCOUNT_NUMBER)

    text = json.dumps(backup_of(member))

    assert ACCOUNT_NUMBER not in text
    assert "account_number_encrypted" in text


def test_restore_keeps_categories_tags_and_budgets(member):
    services.category_delete(category=Category.objects.get(owner=member, name="Snacks & Vending"))
    services.category_update(category=Category.objects.get(owner=member, name="Other"), color="#010203")
    coffee = services.category_create(owner=member, name="Coffee", color="#6f4e37", description="Beans too")
    services.tag_create(owner=member, name="team-lunch", color="#00ff00")
    budget_create(actor=member, amount=Decimal("250.00"), period="week", category=coffee, name="Coffee cap")
    budget_create(actor=member, amount=Decimal("900.00"))

    copy = restored_copy(member)

    def categories(user):
        return sorted(Category.objects.filter(owner=user).values_list("name", "color", "icon", "description"))

    def tags(user):
        return sorted(Tag.objects.filter(owner=user).values_list("name", "color", "description"))

    def budgets(user):
        return sorted(Budget.objects.filter(user=user).values_list("name", "period", "amount", "currency",
                                                                    "category__name"))  # fmt: skip

    assert (categories(copy), tags(copy), budgets(copy)) == (categories(member), tags(member), budgets(member))
    assert "Snacks & Vending" not in [name for name, *_ in categories(copy)]


def test_restore_copies_receipt_files_with_their_reading(full_meal):
    receipt = full_meal.receipts.get()

    copy = Receipt.objects.get(expense__owner=restored_copy(full_meal.owner))

    compared = ["original_name", "content_type", "size", "sha256", "ocr_total", "ocr_date", "created_at"]
    assert [getattr(copy, name) for name in compared] == [getattr(receipt, name) for name in compared]
    assert copy.file.name != receipt.file.name  # its own copy: deleting one expense keeps the other's file
    assert copy.file.read() == receipt.file.read()
    assert copy.thumbnail.name
    assert copy.thumbnail.name != receipt.thumbnail.name
    reading = copy.reading
    assert (reading.backend, reading.subtotal, reading.time, reading.fields) == (
        "tesseract",
        Decimal("100.00"),
        datetime.time(19, 42),
        {"total": {"value": "120.00", "confidence": 0.93}},
    )


def test_a_receipt_whose_file_is_gone_is_not_restored_and_the_command_says_so(full_meal, tmp_path):
    receipt = full_meal.receipts.get()
    backup = backup_of(full_meal.owner)
    backup["user"]["email"] = "copy@example.com"
    receipt.file.storage.delete(receipt.file.name)
    target = tmp_path / "backup.json"
    target.write_text(json.dumps(backup))

    out = io.StringIO()
    call_command("import_user_data", str(target), stdout=out)

    assert Expense.objects.filter(owner__email="copy@example.com").count() == 1
    assert not Receipt.objects.filter(expense__owner__email="copy@example.com").exists()
    assert "1 receipt file is no longer in storage" in out.getvalue()


def test_a_version_1_backup_still_restores(member, march):
    backup = backup_of(member)
    backup.update(schema_version=1)
    backup.pop("loyalty")
    backup["user"]["email"] = "copy@example.com"

    copy = user_data_import(backup)

    assert copy.expenses.count() == member.expenses.count()


def test_restore_refuses_a_backup_whose_expense_breaks_the_rules(member, march):
    backup = backup_of(member)
    backup["user"]["email"] = "copy@example.com"
    backup["expenses"][0]["tax"] = "9999.00"  # more than the total

    with pytest.raises(Exception, match="refused") as raised:
        user_data_import(backup)

    assert getattr(raised.value, "field", None) in {"amount", "tax"}
    assert not User.objects.filter(email="copy@example.com").exists()


def test_download_my_data_restores_as_the_command_backup_does(api_client_for, full_meal):
    response = api_client_for(full_meal.owner).get(reverse("reports_api:export-my-data"))
    assert response.status_code == HTTPStatus.OK
    backup = response.json()
    backup["user"]["email"] = "copy@example.com"

    copy = Expense.objects.get(owner=user_data_import(backup))

    assert declared_value(copy, "business_purpose") == full_meal.business_purpose


def test_a_backup_naming_another_users_receipt_file_does_not_copy_it(full_meal, outsider):
    from expenses.tests.factories import ExpenseFactory, ReceiptFactory

    secret = ReceiptFactory(expense=ExpenseFactory(owner=outsider))
    backup = backup_of(full_meal.owner)
    backup["user"]["email"] = "copy@example.com"
    for expense in backup["expenses"]:
        for receipt in expense.get("receipts", []):
            receipt["file"] = secret.file.name  # a key learnt from a presigned URL, say

    user_data_import(backup)

    copies = Receipt.objects.filter(expense__owner__email="copy@example.com")
    assert not copies.exists()
