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


EXPORT_LOOPS = """<div class="px-3 pb-2 d-flex flex-wrap gap-1">{% for label, url in expense_exports %}<a class="btn btn-sm btn-outline-secondary" href="{{ url }}">{{ label }}</a>{% endfor %}</div>
      <div class="dropdown-divider"></div>
      <h2 class="dropdown-header">Reports</h2>
      {% for item in exports %}
        <div class="px-3 py-1 d-flex align-items-baseline gap-2 small"><span class="me-auto">{{ item.label }}</span>{% for label, url in item.links %}<a href="{{ url }}" aria-label="{{ item.label }} as {{ label }}">{{ label }}</a>{% endfor %}</div>
      {% endfor %}
      <div class="dropdown-divider"></div>"""  # noqa: E501  (the template's markup, as it was)
EXPORT_VARIABLES = """<div class="px-3 pb-2 d-flex flex-wrap gap-1">{{ expense_export_links }}</div>
      <div class="dropdown-divider"></div>
      <h2 class="dropdown-header">Reports</h2>
      {{ export_links }}
      <div class="dropdown-divider"></div>"""


@pytest.mark.parametrize("exports", [[], [{"label": "Summary", "links": []}], None])
def test_the_download_menu_is_the_markup_the_template_loops_wrote(exports):
    from django.template import engines

    from reports.views import export_links

    if exports is None:  # every character a template escapes, in labels and addresses
        exports = [
            {"label": "This page's figures", "links": [("PDF", "/api/x.pdf?a=1&b=<2>")]},
            {"label": 'By "tag" & <trip>', "links": [("CSV", "/e.csv?q=a&amp;b"), ("XLSX", "/e.xlsx?x='y'")]},
        ]
    expense_exports = [("CSV", "/api/e.csv?scope=mine&date_from=2026-01-01"), ("JSON", '/e.json?"x"')]
    engine = engines["django"]
    loops = engine.from_string(EXPORT_LOOPS).render({"exports": exports, "expense_exports": expense_exports})
    reports, expenses = export_links(exports, expense_exports)
    written = engine.from_string(EXPORT_VARIABLES).render({"export_links": reports, "expense_export_links": expenses})
    assert written == loops
