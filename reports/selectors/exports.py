"""What an export prints beside its rows: its filters in words, and its totals per currency."""

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from accounts.models import User
from accounts.selectors import teams_readable_by, users_reviewable_by
from expenses.choices import ExpenseStatus, MealType, OrderType
from expenses.models import Category, Expense, Restaurant
from mealtracker.money import as_money
from reports.selectors.scope import ReportFilters, Scope

SCOPES = {Scope.MINE: "My expenses", Scope.TEAM: "My teams' expenses", Scope.EVERYONE: "Everyone's expenses"}


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _names(model, ids: tuple[int, ...], owners) -> str:
    """The names of the objects a filter names, among those of the people the viewer may read."""
    named = dict(model.objects.filter(pk__in=ids, owner__in=owners).values_list("pk", "name"))
    return ", ".join(named.get(pk) or f"#{pk}" for pk in ids)


def filter_lines(
    viewer: User, filters: ReportFilters, *, date_from: datetime.date | None, date_to: datetime.date | None
) -> list[tuple[str, str]]:
    """(label, value) for each filter that narrows the expenses: dates, whose, and the list's filters by name."""
    if date_from and date_to:
        dates = f"{_day(date_from)} to {_day(date_to)}"
    elif date_from:
        dates = f"from {_day(date_from)}"
    elif date_to:
        dates = f"up to {_day(date_to)}"
    else:
        dates = "all dates"
    whose = SCOPES.get(filters.scope, filters.scope)
    if filters.team is not None:
        team = teams_readable_by(viewer).filter(pk=filters.team).first()
        whose += f" (team {team.name if team else '#' + str(filters.team)})"
    lines = [("Dates", dates), ("Whose", whose)]
    owners = users_reviewable_by(viewer)
    if filters.owners:
        emails = dict(owners.filter(pk__in=filters.owners).values_list("pk", "email"))
        lines.append(("People", ", ".join(emails.get(pk) or f"#{pk}" for pk in filters.owners)))
    if filters.categories:
        lines.append(("Category", _names(Category, filters.categories, owners)))
    if filters.restaurants:
        lines.append(("Restaurant", _names(Restaurant, filters.restaurants, owners)))
    for label, values, choices in [
        ("Meal", filters.meal_types, MealType),
        ("Order type", filters.order_types, OrderType),
        ("Status", filters.statuses, ExpenseStatus),
    ]:
        if values:
            names = dict(choices.choices)
            lines.append((label, ", ".join(str(names.get(value, value)) for value in values)))
    if filters.tags:
        lines.append(("Tags", " and ".join(filters.tags)))
    if filters.is_business is not None:
        lines.append(("Business", "business meals only" if filters.is_business else "personal meals only"))
    return lines


@dataclasses.dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    meals: int
    amount: Decimal
    tax: Decimal
    tip: Decimal
    reporting_amount: Decimal  # the same meals in the reporting currency


def currency_totals(expenses: QuerySet[Expense]) -> list[CurrencyTotal]:
    """Meals and sums of an exported list per currency (and in the reporting currency), in one query."""
    if expenses.query.distinct:  # joins that repeat a row: aggregate over the ids so none counts twice
        expenses = Expense.objects.filter(pk__in=expenses.order_by().values("pk"))
    grouped = (
        expenses.order_by()
        .values("currency")
        .annotate(
            meals=Count("id"), amount=Sum("amount"), tax=Sum("tax"), tip=Sum("tip"), reporting=Sum("reporting_amount")
        )
    )
    return [
        CurrencyTotal(
            currency=row["currency"], meals=row["meals"], amount=as_money(row["amount"], row["currency"]),
            tax=as_money(row["tax"], row["currency"]), tip=as_money(row["tip"], row["currency"]),
            reporting_amount=as_money(row["reporting"]),
        )
        for row in sorted(grouped, key=lambda row: row["currency"])
    ]  # fmt: skip
