"""Report statements (reports.selectors.statements): a report's query compiled once and run again with another
request's values sends the same SQL and gives the same figures as the queryset it stands for."""

import dataclasses
import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expenses.models import Category
from expenses.tests.factories import AttendeeFactory, ExpenseFactory, RestaurantFactory
from reports.selectors import (
    ReportFilters,
    attendees_report,
    breakdown_report,
    heatmap_report,
    statements,
    summary_report,
    tip_outliers_report,
    tip_trend_report,
    top_restaurants_report,
    totals_report,
)
from reports.tests.conftest import local

pytestmark = pytest.mark.django_db

REPORTS = {
    "summary": lambda viewer, filters: summary_report(viewer, filters),
    "categories": lambda viewer, filters: breakdown_report(viewer, filters, by="category"),
    "weekdays": lambda viewer, filters: breakdown_report(viewer, filters, by="weekday"),
    "restaurants": lambda viewer, filters: breakdown_report(viewer, filters, by="restaurant"),
    "top": lambda viewer, filters: top_restaurants_report(viewer, filters, by="spend", limit=3),
    "top-visits": lambda viewer, filters: top_restaurants_report(viewer, filters, by="visits", limit=10),
    "guest-companies": lambda viewer, filters: attendees_report(viewer, filters, by="company"),
    "guests": lambda viewer, filters: attendees_report(viewer, filters, by="guest"),
    "tip-trend": lambda viewer, filters: tip_trend_report(viewer, filters, period="month"),
    "tip-outliers": lambda viewer, filters: tip_outliers_report(viewer, filters),
    "totals": lambda viewer, filters: totals_report(viewer, filters, period="week"),
    "heatmap": lambda viewer, filters: heatmap_report(viewer, filters),
}
SPRING = ReportFilters(date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 4, 30))
WINTER = ReportFilters(date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 3, 15))


def _meals(owner, tz: str) -> None:
    owner.timezone = tz
    owner.save(update_fields=["timezone"])
    food = Category.objects.create(owner=owner, name=f"Food {owner.pk}")
    places = [RestaurantFactory(owner=owner, name=name, location_name=where, address_line_1=f"{number} Main Street")
              for number, (name, where) in enumerate([("Noodle Bar", ""), ("Noodle Bar", "Station"), ("Cafe", ""),
                                                      ("Grill", "Harbour")])]  # fmt: skip
    # (restaurant, amount, tip, in the category)
    meals = [(0, "40.00", "6.00", True), (0, "22.50", "0.00", False), (1, "18.00", "2.00", True),
             (1, "55.00", "20.00", False), (2, "12.00", "1.00", True), (2, "90.00", "9.00", True),
             (3, "30.00", "8.00", False), (3, "30.00", "1.00", True)]  # fmt: skip
    for day, (place, amount, tip, in_category) in enumerate(meals):
        for month in (1, 2, 3, 4):
            meal = ExpenseFactory(
                owner=owner, restaurant=places[place], category=food if in_category else None, amount=Decimal(amount),
                tax=Decimal("1.00"), tip=Decimal(tip), party_size=1 + day % 3,
                occurred_at=local(2026, month, 3 + day * 3, 12 + day, 30),
            )  # fmt: skip
            if day % 2:
                AttendeeFactory(expense=meal, name=f"Guest {day}", company="ACME" if day % 4 == 1 else "Globex")


@pytest.fixture
def meals(member, outsider):
    _meals(member, "Europe/Paris")
    _meals(outsider, "America/Chicago")


def _figures(report, viewer, filters):
    result = REPORTS[report](viewer, filters)
    return result.rows, result.meta


@pytest.fixture
def without_statements(monkeypatch):
    """Run the querysets as they are (what the statements stand for)."""

    def run(function, *args):
        with monkeypatch.context() as patch:
            patch.setattr(statements, "_compile", lambda *args: None)
            statements._statements.clear()
            try:
                return function(*args)
            finally:
                statements._statements.clear()

    return run


@pytest.fixture
def statement_runs(monkeypatch):
    runs = []
    rows = statements._Statement.rows

    def counted(self, sql, params):
        runs.append(sql)
        return rows(self, sql, params)

    monkeypatch.setattr(statements._Statement, "rows", counted)
    statements._statements.clear()
    return runs


@pytest.mark.parametrize("report", REPORTS)
def test_a_statement_compiled_for_one_request_gives_the_querysets_figures_for_the_next(
    meals, member, outsider, report, statement_runs, without_statements
):
    asked = [(member, SPRING), (outsider, WINTER), (member, WINTER), (outsider, SPRING),
             (member, dataclasses.replace(SPRING, meal_types=("lunch",)))]  # fmt: skip
    got = [_figures(report, viewer, filters) for viewer, filters in asked]

    assert len(statement_runs) == len(asked)  # every one of them read through a statement
    assert got == [without_statements(_figures, report, viewer, filters) for viewer, filters in asked]
    assert got[0] != got[1]  # other figures: the values are the request's own


@pytest.mark.parametrize("report", REPORTS)
def test_a_statement_sends_the_sql_django_compiles(meals, member, outsider, report, statement_runs, without_statements):
    _figures(report, member, SPRING)  # compiles the statement
    with CaptureQueriesContext(connection) as sent:
        _figures(report, outsider, WINTER)

    def django_sql():
        with CaptureQueriesContext(connection) as compiled:
            _figures(report, outsider, WINTER)
        return compiled.captured_queries

    assert [q["sql"] for q in sent.captured_queries] == [q["sql"] for q in without_statements(django_sql)]


def _without_tokens(page: bytes) -> bytes:
    page = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)
    return re.sub(rb'"X-CSRFToken": "[^"]+"', b"", re.sub(rb'nonce="[^"]+"', b"", page))


def test_the_reports_page_compiles_its_statements_once(web_client_for, member, meals, statement_runs, monkeypatch):
    compiles = []
    compile_statement = statements._compile
    monkeypatch.setattr(statements, "_compile", lambda *args: compiles.append(1) or compile_statement(*args))
    client = web_client_for(member)
    first = client.get(reverse("reports"), {"date_from": "2026-01-01", "date_to": "2026-04-30"}).content
    assert len(compiles) == 6
    second = client.get(reverse("reports"), {"date_from": "2026-01-01", "date_to": "2026-04-30"}).content
    assert len(compiles) == 6  # none more
    assert len(statement_runs) == 12
    assert _without_tokens(first) == _without_tokens(second)


def test_expenses_joined_to_another_table_are_read_by_their_queryset(
    web_client_for, manager, member, meals, statement_runs
):
    page = web_client_for(manager).get(reverse("reports"), {"scope": "team", "date_from": "2026-01-01"})
    assert page.status_code == 200
    assert statement_runs == []  # a team's meals are found through their owners' team
