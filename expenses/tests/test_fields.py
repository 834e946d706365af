"""The expense's one field declaration covers the model: a new model field must be declared (and so exported,
backed up and restored) or this fails; and every field a user enters can be entered on the web too."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from expenses import services
from expenses.fields import (
    EDITABLE_FIELD_NAMES,
    EXPENSE_FIELDS,
    EXPORT_COLUMNS,
    MEMBERSHIP_RELATIONS,
    ROW_RELATIONS,
    Kind,
    Role,
)
from expenses.models import Expense


def model_field_names() -> set[str]:
    return {
        field.name
        for field in Expense._meta.get_fields()
        if field.concrete or field.many_to_many or (field.one_to_many and field.name in ROW_RELATIONS)
    } - MEMBERSHIP_RELATIONS


def test_every_field_of_the_expense_model_is_declared():
    assert {field.name for field in EXPENSE_FIELDS} == model_field_names()


def test_each_field_is_declared_once_and_each_export_column_named_once():
    names = [field.name for field in EXPENSE_FIELDS]
    assert len(names) == len(set(names))
    assert len(EXPORT_COLUMNS) == len(set(EXPORT_COLUMNS))


def test_relations_are_declared_as_relations():
    relations = {f.name for f in Expense._meta.get_fields() if (f.concrete or f.many_to_many) and f.is_relation}
    relations = (relations | ROW_RELATIONS) - MEMBERSHIP_RELATIONS
    assert {field.name for field in EXPENSE_FIELDS if field.kind is Kind.RELATION} == relations


def test_the_services_accept_exactly_the_entered_fields():
    entered = {field.name for field in EXPENSE_FIELDS if field.role is Role.ENTERED} - {"tags", *ROW_RELATIONS}
    assert entered == EDITABLE_FIELD_NAMES
    assert {"status", "reporting_amount", "owner", "version", "created_at"}.isdisjoint(EDITABLE_FIELD_NAMES)


def test_the_meal_page_offers_every_entered_field(web_client_for, member, teammate):  # a colleague to pick
    page = web_client_for(member).get(reverse("expense_create")).content.decode()

    offered = EDITABLE_FIELD_NAMES | {"tags", "attendees", "guest_0_name", "guest_0_company", "guest_0_relationship"}
    missing = [name for name in sorted(offered) if f'name="{name}"' not in page]
    assert missing == []


def test_editing_a_meal_on_the_web_keeps_its_cleared_date(web_client_for, member):
    expense = services.expense_create(
        owner=member, amount=Decimal("30.00"), occurred_at=timezone.now(), cleared_on=datetime.date(2026, 3, 4)
    )
    page = web_client_for(member).get(reverse("expense_edit", args=[expense.pk])).content.decode()

    assert 'value="2026-03-04"' in page
