import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from expenses import services
from expenses.choices import ExpenseStatus
from expenses.models import ApprovalEvent, Category, Expense
from expenses.tests.factories import (
    CategoryFactory,
    ExchangeRateFactory,
    ExpenseFactory,
    RestaurantFactory,
    TagFactory,
)
from mealtracker.errors import Conflict, DomainError, NotAllowed, StaleWrite

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.now() - datetime.timedelta(days=1)


def create(owner, **overrides):
    values = {"amount": Decimal("42.00"), "occurred_at": YESTERDAY, "meal_type": "dinner"}
    return services.expense_create(owner=owner, **{**values, **overrides})


def test_personal_meal_is_recorded_in_the_owners_currency(member):
    expense = create(member)
    assert (expense.status, expense.currency, expense.reporting_amount) == ("recorded", "USD", Decimal("42.00"))


def test_business_meal_starts_as_a_draft(member):
    assert create(member, is_business=True).status == ExpenseStatus.DRAFT


def test_foreign_currency_is_converted_with_the_rate_of_the_local_day(member):
    ExchangeRateFactory(currency="EUR", date=YESTERDAY.date(), rate=Decimal("1.10"))
    expense = create(member, currency="EUR", amount=Decimal("10.00"))
    assert (expense.reporting_amount, expense.exchange_rate) == (Decimal("11.00"), Decimal("1.10"))


def test_missing_exchange_rate_is_an_error_not_a_silent_one_to_one(member):
    with pytest.raises(DomainError) as error:
        create(member, currency="GBP")
    assert error.value.field == "exchange_rate"
    assert not Expense.objects.exists()


def test_user_supplied_rate_is_used_when_none_is_known(member):
    expense = create(member, currency="GBP", amount=Decimal("10.00"), exchange_rate=Decimal("1.27"))
    assert expense.reporting_amount == Decimal("12.70")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("1.234")}, "amount"),
        ({"tip": Decimal("-1")}, "tip"),
        ({"party_size": 51}, "party_size"),
        ({"currency": "XYZ"}, "currency"),
        ({"occurred_at": timezone.now() + datetime.timedelta(days=30)}, "occurred_at"),
    ],
)
def test_invalid_input_names_the_field_and_writes_nothing(member, overrides, field):
    with pytest.raises(DomainError) as error:
        create(member, **overrides)
    assert error.value.field == field
    assert not Expense.objects.exists()


def test_someone_elses_restaurant_is_refused_on_that_field(member, outsider):
    with pytest.raises(DomainError) as error:
        create(member, restaurant=RestaurantFactory(owner=outsider))
    assert error.value.field == "restaurant"


def test_someone_elses_category_is_refused_on_that_field(member, outsider):
    with pytest.raises(DomainError) as error:
        create(member, category=CategoryFactory(owner=outsider))
    assert error.value.field == "category"


def test_tags_are_created_normalised_and_reused(member):
    existing = TagFactory(owner=member, name="Client-dinner")
    expense = create(member, tags=["client dinner", "Q3 offsite!"])
    assert [t.name for t in expense.tags.order_by("expensetag__created_at", "expensetag__id")] == [
        "Client-dinner",
        "Q3-offsite",
    ]
    assert expense.tags.filter(pk=existing.pk).exists()


def test_update_with_a_stale_version_is_refused(member):
    expense = create(member)
    services.expense_update(expense=expense, actor=member, expected_version=1, notes="first")
    with pytest.raises(StaleWrite):
        services.expense_update(expense=expense, actor=member, expected_version=1, notes="second")
    expense.refresh_from_db()
    assert (expense.notes, expense.version) == ("first", 2)


def test_submitted_expense_is_locked_for_its_owner(member):
    expense = create(member, is_business=True, business_purpose="Client")
    services.expense_submit(expense=expense, actor=member)
    with pytest.raises(NotAllowed):
        services.expense_update(expense=expense, actor=member, notes="sneaky")


def test_admin_correction_after_approval_is_audited(member, manager, site_admin):
    expense = create(member, is_business=True, business_purpose="Client")
    services.expense_submit(expense=expense, actor=member)
    services.expense_approve(expense=expense, actor=manager)
    old_amount = str(expense.amount)
    services.expense_update(expense=expense, actor=site_admin, amount=Decimal("40.00"))
    change = expense.changes.last()
    assert change.actor == site_admin
    assert change.changes["amount"]["old"] == old_amount
    assert change.changes["amount"]["new"] == "40.00"


def test_approval_flow_writes_the_trail(member, manager):
    expense = create(member, is_business=True, business_purpose="Client")
    services.expense_submit(expense=expense, actor=member)
    services.expense_reject(expense=expense, actor=manager, comment="Need receipt")
    services.expense_submit(expense=expense, actor=member)
    services.expense_approve(expense=expense, actor=manager)
    services.expense_reimburse(expense=expense, actor=manager)
    trail = list(ApprovalEvent.objects.filter(expense=expense).values_list("from_status", "to_status"))
    assert trail == [
        ("draft", "submitted"),
        ("submitted", "rejected"),
        ("rejected", "submitted"),
        ("submitted", "approved"),
        ("approved", "reimbursed"),
    ]


def test_manager_cannot_approve_own_expense(manager):
    expense = create(manager, is_business=True, business_purpose="Client")
    services.expense_submit(expense=expense, actor=manager)
    with pytest.raises(NotAllowed):
        services.expense_approve(expense=expense, actor=manager)


def test_manager_of_another_team_cannot_approve(member, other_manager):
    expense = create(member, is_business=True, business_purpose="Client")
    services.expense_submit(expense=expense, actor=member)
    with pytest.raises(NotAllowed):
        services.expense_approve(expense=expense, actor=other_manager)


def test_approving_a_draft_is_an_illegal_transition(member, manager):
    expense = create(member, is_business=True, business_purpose="Client")
    with pytest.raises(Conflict):
        services.expense_approve(expense=expense, actor=manager)


def test_reject_needs_a_reason(member, manager):
    expense = create(member, is_business=True, business_purpose="Client")
    services.expense_submit(expense=expense, actor=member)
    with pytest.raises(DomainError) as error:
        services.expense_reject(expense=expense, actor=manager, comment="  ")
    assert error.value.field == "comment"


def test_submit_needs_a_business_purpose(member):
    expense = create(member, is_business=True)
    with pytest.raises(DomainError) as error:
        services.expense_submit(expense=expense, actor=member)
    assert error.value.field == "business_purpose"


def test_personal_meal_cannot_be_submitted(member):
    with pytest.raises(Conflict):
        services.expense_submit(expense=create(member), actor=member)


def test_deleting_a_restaurant_reports_the_expenses_it_kept(member):
    restaurant = RestaurantFactory(owner=member)
    ExpenseFactory.create_batch(3, owner=member, restaurant=restaurant)
    assert services.restaurant_delete(restaurant=restaurant) == 3
    assert Expense.objects.filter(owner=member, restaurant__isnull=True).count() == 3


def test_duplicate_restaurant_is_refused_with_a_conflict_on_name(member):
    services.restaurant_create(owner=member, name="Luigi's", city="Rome")
    with pytest.raises(Conflict) as error:
        services.restaurant_create(owner=member, name="  luigi's ", city="ROME")
    assert error.value.field == "name"


def test_deleting_a_category_can_reassign_its_expenses(member):
    old, new = CategoryFactory(owner=member), CategoryFactory(owner=member)
    ExpenseFactory.create_batch(2, owner=member, category=old)
    assert services.category_delete(category=old, reassign_to=new) == 2
    assert Expense.objects.filter(category=new).count() == 2
    assert not Category.objects.filter(pk=old.pk).exists()


def test_new_user_gets_the_seven_default_categories(member):
    assert sorted(member.categories.values_list("name", flat=True)) == sorted(
        ["Restaurants", "Groceries", "Drinks", "Fast Food", "Entertainment", "Snacks & Vending", "Other"]
    )
