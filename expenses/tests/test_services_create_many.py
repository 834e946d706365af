"""expenses_create_many keeps every rule of expense_create: same results, same refusals, nothing written on any."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from expenses import services
from expenses.choices import ExpenseStatus
from expenses.models import Expense, ExpenseTag, Restaurant, Tag
from expenses.services.expenses import ExpenseDraftsRefused, expenses_create_many
from expenses.tests.factories import CategoryFactory, ExchangeRateFactory, RestaurantFactory, TagFactory
from mealtracker.errors import DomainError

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.now() - datetime.timedelta(days=1)
COMPARED = ["amount", "tax", "tip", "currency", "reporting_amount", "exchange_rate", "occurred_at", "meal_type",
            "order_type", "party_size", "payment_method", "notes", "is_business", "business_purpose", "status",
            "restaurant_id", "category_id", "cleared_on", "version"]  # fmt: skip


def draft(**overrides) -> dict:
    return {"amount": Decimal("42.00"), "occurred_at": YESTERDAY, "meal_type": "dinner", **overrides}


def refusal(make) -> tuple:
    with pytest.raises(DomainError) as caught:
        make()
    exc = caught.value
    return type(exc).__name__, exc.field, exc.message, getattr(exc, "errors", None)


def test_drafts_are_recorded_as_expense_create_records_them(member):
    ExchangeRateFactory(currency="EUR", date=YESTERDAY.date(), rate=Decimal("1.10"))
    bistro = RestaurantFactory(owner=member)
    dining = CategoryFactory(owner=member)
    client_tag = TagFactory(owner=member, name="client")
    drafts = [
        draft(restaurant=bistro, category=dining, tags=["client", "Team dinner!"], tip=Decimal("5.00")),
        draft(currency="eur", amount=Decimal("10.00"), party_size=3, tags=[client_tag]),
        draft(currency="GBP", amount=Decimal("20.00"), exchange_rate=Decimal("1.25")),
        draft(is_business=True, business_purpose="Client pitch", attendees="Ann", cleared_on=YESTERDAY.date()),
    ]
    one_by_one = [services.expense_create(owner=member, **d) for d in drafts]
    in_bulk = expenses_create_many(owner=member, drafts=drafts)

    def described(expenses):
        return [
            (
                {name: getattr(e, name) for name in COMPARED},
                sorted(e.tags.values_list("name", flat=True)),
                list(e.attendees.values_list("name", "company", "relationship", "user_id")),
            )
            for e in Expense.objects.filter(pk__in=[e.pk for e in expenses]).order_by("pk")
        ]

    assert described(in_bulk) == described(one_by_one)
    assert [e.status for e in in_bulk] == ["recorded", "recorded", "recorded", ExpenseStatus.DRAFT]
    assert (in_bulk[1].reporting_amount, in_bulk[2].reporting_amount) == (Decimal("11.00"), Decimal("25.00"))
    assert Tag.objects.filter(owner=member).count() == 2  # "Team-dinner" created once, for both paths
    assert set(ExpenseTag.objects.filter(expense__in=in_bulk).values_list("added_by", flat=True)) == {member.pk}


def test_one_refused_draft_refuses_them_all_by_index(member):
    drafts = [draft(), draft(tip=Decimal("50.00")), draft(), draft(currency="CHF")]
    with pytest.raises(ExpenseDraftsRefused) as caught:
        expenses_create_many(owner=member, drafts=drafts)
    assert sorted(caught.value.refused) == [1, 3]
    assert caught.value.refused[3].field == "exchange_rate"
    assert not Expense.objects.exists()


def test_tags_created_for_a_refused_batch_are_not_kept(member):
    with pytest.raises(ExpenseDraftsRefused):
        expenses_create_many(owner=member, drafts=[draft(tags=["brand-new"]), draft(amount=Decimal("-1.00"))])
    assert not Tag.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"occurred_at": timezone.now() + datetime.timedelta(days=3)},
        {"currency": "XYZ"},
        {"amount": Decimal("12.345")},
        {"amount": Decimal("0.00")},
        {"tip": Decimal("-1.00")},
        {"amount": Decimal("10.00"), "tax": Decimal("6.00"), "tip": Decimal("6.00")},
        {"party_size": 0},
        {"party_size": 51},
        {"meal_type": "elevenses"},
        {"order_type": "teleport"},
        {"payment_method": "barter"},
        {"currency": "CHF"},
        {"currency": "GBP", "exchange_rate": Decimal("-1")},
        {"colour": "red"},
        {"restaurant": "someone else's"},
        {"restaurant": "deleted"},
        {"category": "someone else's"},
        {"tags": "someone else's"},
        {"tags": ["x" * 60]},
    ],
    ids=lambda overrides: ",".join(overrides),
)
def test_a_draft_is_refused_exactly_as_expense_create_refuses_it(member, outsider, overrides):
    if overrides.get("restaurant") == "someone else's":
        overrides["restaurant"] = RestaurantFactory(owner=outsider)
    if overrides.get("restaurant") == "deleted":
        overrides["restaurant"] = Restaurant(pk=10**6, owner=member, name="Gone")
    if overrides.get("category") == "someone else's":
        overrides["category"] = CategoryFactory(owner=outsider)
    if overrides.get("tags") == "someone else's":
        overrides["tags"] = [TagFactory(owner=outsider)]
    alone = refusal(lambda: services.expense_create(owner=member, **draft(**overrides)))

    with pytest.raises(ExpenseDraftsRefused) as caught:
        expenses_create_many(owner=member, drafts=[draft(), draft(**overrides)])
    (index, exc), *others = caught.value.refused.items()
    assert (index, others) == (1, [])
    assert (type(exc).__name__, exc.field, exc.message, getattr(exc, "errors", None)) == alone
    assert not Expense.objects.exists()


@pytest.mark.parametrize("overrides", [{"party_size": 0}, {"meal_type": "elevenses"}, {"tip": Decimal("-1.00")}])
def test_drafts_repeating_a_refused_value_are_each_refused_as_expense_create_refuses_it(member, overrides):
    alone = refusal(lambda: services.expense_create(owner=member, **draft(**overrides)))
    with pytest.raises(ExpenseDraftsRefused) as caught:
        expenses_create_many(owner=member, drafts=[draft(**overrides), draft(), draft(**overrides), draft(**overrides)])
    assert list(caught.value.refused) == [0, 2, 3]
    for exc in caught.value.refused.values():
        assert (type(exc).__name__, exc.field, exc.message, getattr(exc, "errors", None)) == alone
    assert not Expense.objects.exists()


def test_a_check_constraint_that_clean_misses_still_names_its_draft(member, monkeypatch):
    # Should clean() and a database check ever drift apart, the draft is named as expense_create would name it.
    monkeypatch.setattr(Expense, "clean", lambda self: None)
    bad = draft(amount=Decimal("10.00"), tax=Decimal("6.00"), tip=Decimal("6.00"))
    alone = refusal(lambda: services.expense_create(owner=member, **bad))
    with pytest.raises(ExpenseDraftsRefused) as caught:
        expenses_create_many(owner=member, drafts=[draft(), bad])
    exc = caught.value.refused[1]
    assert (type(exc).__name__, exc.field, exc.message, getattr(exc, "errors", None)) == alone
    assert list(caught.value.refused) == [1]
    assert not Expense.objects.exists()


def test_a_reporting_amount_rounding_to_zero_is_refused_on_the_rate_like_expense_create(member):
    tiny = draft(currency="JPY", amount=Decimal("1"), tax=Decimal(0), tip=Decimal(0), exchange_rate=Decimal("0.001"))
    with pytest.raises(DomainError) as single:
        services.expense_create(owner=member, **tiny)
    with pytest.raises(ExpenseDraftsRefused) as caught:
        expenses_create_many(owner=member, drafts=[draft(), tiny])

    assert single.value.field == caught.value.refused[1].field == "exchange_rate"
    assert list(caught.value.refused) == [1]
    assert not Expense.objects.exists()


def test_queries_do_not_grow_with_the_number_of_drafts(member):
    ExchangeRateFactory(currency="EUR", date=YESTERDAY.date(), rate=Decimal("1.10"))
    bistro = RestaurantFactory(owner=member)
    dining = CategoryFactory(owner=member)

    def queries_for(count: int) -> int:
        drafts = [
            draft(restaurant=bistro, category=dining, currency="EUR" if n % 2 else "USD", tags=["client", "team"])
            for n in range(count)
        ]
        Tag.objects.filter(owner=member).delete()
        with CaptureQueriesContext(connection) as queries:
            expenses_create_many(owner=member, drafts=drafts)
        return len(queries)

    # 30 rather than 50: SQLite takes at most 999 parameters, so 33 expenses (30 columns each) per INSERT.
    assert queries_for(10) == queries_for(30)


def test_an_expense_built_positionally_is_the_one_the_keyword_form_builds(member):
    from expenses.services.expenses import _expense_of

    bistro = RestaurantFactory(owner=member)
    given = {"owner": member, "amount": Decimal("12.50"), "occurred_at": YESTERDAY, "currency": "USD",
             "restaurant": bistro, "category": None, "notes": "Team", "party_size": None}  # fmt: skip

    built, expected = _expense_of(**given), Expense(**given)

    assert {k: v for k, v in vars(built).items() if k != "_state"} == {
        k: v for k, v in vars(expected).items() if k != "_state"
    }
    assert built._state.fields_cache == expected._state.fields_cache
    assert built._state.adding
    assert built.pk is None
    with pytest.raises(ValueError, match="must be a"):
        _expense_of(**{**given, "restaurant": "Bistro"})


def test_an_amount_valid_in_one_currency_is_checked_again_in_another(member):
    drafts = [draft(amount=Decimal("1.50")), draft(amount=Decimal("1.5"), currency="JPY"), draft(tip=Decimal("1.50"))]

    with pytest.raises(ExpenseDraftsRefused) as caught:
        expenses_create_many(owner=member, drafts=drafts)

    assert list(caught.value.refused) == [1]
    assert caught.value.refused[1].field == "amount"
    assert caught.value.refused[1].message == "JPY takes no decimals."


def test_an_expense_built_while_its_init_signals_have_receivers_is_built_by_the_constructor(member):
    from django.db.models.signals import post_init

    from expenses.services.expenses import _expense_of

    given = {"owner": member, "amount": Decimal("12.50"), "occurred_at": YESTERDAY, "currency": "USD", "notes": "x"}
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Expense)
    try:
        built = _expense_of(**given)
    finally:
        post_init.disconnect(receiver, sender=Expense)
    quiet = _expense_of(**given)

    assert seen == [built]
    assert {k: v for k, v in vars(built).items() if k != "_state"} == {
        k: v for k, v in vars(quiet).items() if k != "_state"
    }
    assert list(vars(quiet)) == list(vars(Expense(**given)))  # the same attributes, set in the same order


def test_the_values_bulk_validation_leaves_uncleaned_are_those_clean_returns_as_they_are(member):
    from zoneinfo import ZoneInfo

    from expenses.services.expenses import _CLEANED

    samples = {
        str: ["", " ", "Team lunch", "é\\t\\n" * 400],
        datetime.datetime: [YESTERDAY, datetime.datetime(2026, 3, 1, 19, 45),
                            datetime.datetime(1, 1, 1, tzinfo=ZoneInfo("Asia/Tokyo"))],
    }  # fmt: skip
    skipped = [(field, unchanged) for field, _, _, _, unchanged in _CLEANED if unchanged is not None]
    assert {field.name for field, _ in skipped} >= {"notes", "occurred_at", "business_purpose"}
    expense = Expense(owner=member)
    for field, unchanged in skipped:
        for value in samples[unchanged]:
            if field.blank or value:
                assert field.clean(value, expense) is value
