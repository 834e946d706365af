"""The Reports page builds the expenses its reports cover once a request, and builds them afresh the next."""

import pytest
from django.urls import reverse

from expenses.tests.factories import ExpenseFactory
from mealtracker.request_context import request_cache
from reports.selectors import ReportFilters, report_expenses, scoped_expenses
from reports.selectors import scope as scope_module

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    calls = []
    build = scope_module._scoped_expenses

    def counted(viewer, filters):
        calls.append(filters)
        return build(viewer, filters)

    monkeypatch.setattr(scope_module, "_scoped_expenses", counted)
    return calls


@pytest.mark.parametrize("query", [{}, {"meal_type": "lunch", "period": "week"}, {"basis": "share"}])
def test_the_reports_page_builds_its_expenses_once_a_request(web_client_for, member, builds, query):
    ExpenseFactory(owner=member)
    client = web_client_for(member)
    assert client.get(reverse("reports"), query).status_code == 200
    assert len(builds) == 1  # for six reports
    assert client.get(reverse("reports"), query).status_code == 200
    assert len(builds) == 2


def test_outside_a_request_nothing_is_kept(member, builds):
    assert request_cache() is None
    filters = ReportFilters()
    assert scoped_expenses(member, filters) is not scoped_expenses(member, filters)
    assert report_expenses(member, filters)[0] is not report_expenses(member, filters)[0]
    assert len(builds) == 4
