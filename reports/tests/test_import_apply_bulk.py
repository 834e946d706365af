"""Apply writes its rows in bulk, and an imported row gets every rule and side effect of expense_create."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from expenses import services as expense_services
from expenses.models import Expense, ExpenseTag, PolicyFlag, Restaurant, Tag
from expenses.tests.factories import ExchangeRateFactory, TagFactory
from reports.models import ImportStatus
from reports.services.imports import ImportFailed, import_batch_apply, import_batch_create, import_row_update
from reports.tests.factories import MealPolicyFactory

HEADER = "date,time,amount,tip,currency,rate,meal_type,party_size,restaurant,category,tags,business_meal,purpose"
MARCH = datetime.date(2026, 3, 2)


def line(n=0, *, amount=None, tip="0", currency="USD", rate="", meal="dinner", party=1, tags="", business=""):
    day = MARCH + datetime.timedelta(days=n % 10)  # within a stored rate's 14 days
    amount = amount or f"{20 + n}.50"  # a different amount per row, so no row is a duplicate of another
    return (f"{day},19:{n % 60:02d},{amount},{tip},{currency},{rate},{meal},{party},Place {n % 3},Dining,"
            f'"{tags}",{business},{"Client pitch" if business else ""}')  # fmt: skip


def imported(owner, lines):
    payload = "\n".join([HEADER, *lines]).encode()
    batch = import_batch_create(owner=owner, filename="meals.csv", payload=payload)
    return batch, import_batch_apply(batch=batch, actor=owner)


def test_a_row_failing_a_rule_at_apply_writes_nothing(member):
    payload = "\n".join([HEADER, line(0), line(1, amount="10.00", tip="12.00"), line(2)]).encode()
    batch = import_batch_create(owner=member, filename="meals.csv", payload=payload)
    with pytest.raises(ImportFailed) as caught:
        import_batch_apply(batch=batch, actor=member)
    message = "amount: The total must include the tax, tip and fees, so it cannot be smaller than them."
    assert caught.value.errors == {"line 3": [message]}
    assert (Expense.objects.count(), Restaurant.objects.count(), Tag.objects.count()) == (0, 0, 0)
    row = batch.rows.get(line_number=3)
    assert row.errors == [message]

    import_row_update(row=row, values={"tip": "2.00"})
    result = import_batch_apply(batch=batch, actor=member)
    assert (result["created"], Expense.objects.filter(owner=member).count()) == (3, 3)


def test_every_failing_row_is_reported_by_line(member):
    lines = [line(0, amount="10.00", tip="12.00"), line(1), line(2, currency="CHF")]
    payload = "\n".join([HEADER, *lines]).encode()
    batch = import_batch_create(owner=member, filename="meals.csv", payload=payload)
    batch.rows.filter(line_number=4).update(errors=[], action="apply")  # reviewed while a CHF rate was known
    with pytest.raises(ImportFailed) as caught:
        import_batch_apply(batch=batch, actor=member)
    assert list(caught.value.errors) == ["line 2", "line 4"]
    assert caught.value.errors["line 4"][0].startswith("exchange_rate: No exchange rate from CHF")
    assert not Expense.objects.exists()


def test_business_rows_start_as_drafts_and_the_others_as_recorded(member):
    imported(member, [line(0, business="yes"), line(1)])
    statuses = dict(Expense.objects.filter(owner=member).values_list("is_business", "status"))
    assert statuses == {True: "draft", False: "recorded"}


def test_foreign_currency_rows_get_the_reporting_amount_through_the_rate(member):
    ExchangeRateFactory(currency="EUR", date=MARCH, rate=Decimal("1.10"))
    imported(member, [line(0, amount="10.00", currency="EUR"), line(10, amount="30.00", currency="EUR"),
                      line(1, amount="20.00", currency="GBP", rate="1.25")])  # fmt: skip
    converted = sorted(
        Expense.objects.filter(owner=member).values_list("currency", "exchange_rate", "reporting_amount")
    )
    assert converted == [
        ("EUR", Decimal("1.10"), Decimal("11.00")),
        ("EUR", Decimal("1.10"), Decimal("33.00")),
        ("GBP", Decimal("1.25"), Decimal("25.00")),
    ]


def test_tags_are_created_once_and_linked_to_their_rows(member):
    client = TagFactory(owner=member, name="Client")
    imported(member, [line(0, tags="client, team lunch"), line(1, tags="Team lunch"), line(2)])
    assert sorted(Tag.objects.filter(owner=member).values_list("name", flat=True)) == ["Client", "team-lunch"]
    links = sorted(
        (e.amount, sorted(e.tags.values_list("name", flat=True))) for e in Expense.objects.filter(owner=member)
    )
    assert links == [(Decimal("20.50"), ["Client", "team-lunch"]), (Decimal("21.50"), ["team-lunch"]),
                     (Decimal("22.50"), [])]  # fmt: skip
    assert ExpenseTag.objects.filter(tag=client, added_by=member).count() == 1


def test_imported_expenses_are_flagged_like_expenses_recorded_one_by_one(member, teammate, team_a):
    MealPolicyFactory(team=team_a, meal_type="dinner", max_per_person=Decimal("25.00"))
    ExchangeRateFactory(currency="EUR", date=MARCH, rate=Decimal("1.10"))
    imported(member, [line(0, amount="24.00", currency="EUR", business="yes"),
                      line(1, amount="60.00", party=2, business="yes"),
                      line(2, amount="90.00", party=2, meal="lunch", business="yes"), line(3, amount="25.00"),
                      line(4, amount="80.00")])  # fmt: skip
    for expense in Expense.objects.filter(owner=member):
        expense_services.expense_create(
            owner=teammate, amount=expense.amount, occurred_at=expense.occurred_at, currency=expense.currency,
            meal_type=expense.meal_type, party_size=expense.party_size, is_business=expense.is_business,
            business_purpose=expense.business_purpose,
        )  # fmt: skip

    def flags_of(user):
        return sorted(
            PolicyFlag.objects.filter(expense__owner=user).values_list(
                "expense__amount", "policy__meal_type", "limit_per_person", "per_person", "over_by"
            )
        )

    assert flags_of(member) == flags_of(teammate)
    assert flags_of(member) == [
        (Decimal("24.00"), "dinner", Decimal("25.00"), Decimal("26.40"), Decimal("1.40")),
        (Decimal("60.00"), "dinner", Decimal("25.00"), Decimal("30.00"), Decimal("5.00")),
    ]


def test_applying_runs_the_same_number_of_queries_however_many_rows(team_a):
    MealPolicyFactory(team=team_a, meal_type="dinner", max_per_person=Decimal("25.00"))
    ExchangeRateFactory(currency="EUR", date=MARCH, rate=Decimal("1.10"))

    def queries_to_apply(count: int) -> int:
        owner = UserFactory(team=team_a)
        lines = [line(n, currency="EUR" if n % 2 else "USD", tags="client, team", business="yes" if n % 3 else "")
                 for n in range(count)]  # fmt: skip
        batch = import_batch_create(owner=owner, filename="meals.csv", payload="\n".join([HEADER, *lines]).encode())
        with CaptureQueriesContext(connection) as queries:
            result = import_batch_apply(batch=batch, actor=owner)
        assert result["created"] == count
        assert PolicyFlag.objects.filter(expense__owner=owner).exists()
        return len(queries)

    # 30 rather than 50: SQLite takes at most 999 parameters, so 33 expenses (30 columns each) per INSERT.
    assert queries_to_apply(10) == queries_to_apply(30)


def test_progress_is_reported_once_per_row(member):
    payload = "\n".join([HEADER, *(line(n) for n in range(5))]).encode()
    batch = import_batch_create(owner=member, filename="meals.csv", payload=payload)
    calls = []
    import_batch_apply(batch=batch, actor=member, progress=lambda: calls.append(1))
    batch.refresh_from_db()
    assert (len(calls), batch.status, batch.created_count) == (5, ImportStatus.APPLIED, 5)
    assert batch.rows.filter(expense__isnull=True).count() == 0


def test_a_refused_restaurant_fails_every_row_naming_it_and_rows_naming_one_restaurant_share_it(member):
    batch = import_batch_create(
        owner=member, filename="meals.csv", payload="\n".join([HEADER, *(line(n) for n in range(6))]).encode()
    )
    for row in batch.rows.filter(values__restaurant_name="Place 1"):  # lines 3 and 6
        row.values = {**row.values, "restaurant_country": "1A"}  # as no reading of a file would leave it
        row.save()
    with pytest.raises(ImportFailed) as caught:
        import_batch_apply(batch=batch, actor=member)
    assert caught.value.errors == {
        "line 3": ["country: Use an ISO country code."],
        "line 6": ["country: Use an ISO country code."],
    }
    assert not Restaurant.objects.exists()

    batch.rows.filter(line_number__in=[3, 6]).update(action="skip")
    assert import_batch_apply(batch=batch, actor=member)["created"] == 4
    places = dict(Expense.objects.filter(owner=member).values_list("amount", "restaurant__name"))
    assert places == {Decimal("20.50"): "Place 0", Decimal("22.50"): "Place 2", Decimal("23.50"): "Place 0",
                      Decimal("25.50"): "Place 2"}  # fmt: skip
    assert Restaurant.objects.filter(owner=member).count() == 2


def test_the_stored_rows_keep_their_cells_values_and_findings(member):
    batch = import_batch_create(
        owner=member, filename="meals.csv",
        payload="\n".join([HEADER, line(0), line(1, tags="a b"), line(2)]).encode(),
    )  # fmt: skip
    rows = {row.line_number: row for row in batch.rows.all()}
    assert sorted(rows) == [2, 3, 4]
    first = rows[2]
    assert (first.raw["restaurant"], first.raw["amount"], first.values["amount"]) == ("Place 0", "20.50", "20.50")
    assert (first.errors, first.duplicate_ids, first.action) == ([], [], "apply")
    assert (first.expense_id, first.restaurant_id) == (None, None)
    assert (bool(rows[3].values["warnings"]), rows[3].action) == (True, "apply")

    import_batch_apply(batch=batch, actor=member)
    again = import_batch_create(owner=member, filename="meals.csv", payload="\n".join([HEADER, line(0)]).encode())
    (row,) = again.rows.all()
    expense = Expense.objects.get(owner=member, amount=Decimal("20.50"))
    assert (row.duplicate_ids, row.action, row.restaurant_id) == ([expense.pk], "skip", expense.restaurant_id)
