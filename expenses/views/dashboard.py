"""The dashboard, the signed-in home page: this month against last month, the spend chart, recent meals."""

import json
from dataclasses import dataclass

from django.conf import settings
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.views.decorators.http import require_GET

from expenses.page_selectors import per_person, spend_summary, top_restaurants, with_row_columns
from expenses.selectors import recent_expenses
from mealtracker.money import quantize
from mealtracker.report_cache import cached_figures
from mealtracker.templatetags.ui import money
from mealtracker.web import path_for_id, user_page

# The budgets card is a template the reports app provides; the dashboard shows it when it is installed, so this
# app names it without importing anything from reports.
BUDGET_PROGRESS_TEMPLATE = "reports/_budget_progress.html"


def _optional_template(name: str) -> str | None:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


@dataclass(frozen=True, slots=True)
class TopRestaurant:
    """A row of the top restaurants card, its values as the card shows them."""

    pk: int
    name: str
    display_name: str
    url: str
    total: str
    visits: int
    per_person: str


def top_restaurant_rows(restaurants, currency: str) -> list[TopRestaurant]:
    """The card's rows, written once here rather than through the template's url tag and money filters."""
    link = path_for_id("restaurant_detail")
    return [
        TopRestaurant(
            pk=restaurant.pk,
            name=restaurant.name,
            display_name=restaurant.display_name,
            url=link(restaurant.pk),
            total=money(restaurant.total, currency),
            visits=restaurant.visits,
            per_person=money(restaurant.per_person, currency),
        )
        for restaurant in restaurants
    ]


def dashboard_figures(user, today) -> dict:
    """The dashboard's sums, cached per user until their data changes (the recent meals are always read)."""

    def compute():
        restaurants = list(top_restaurants(user))
        for restaurant in restaurants:
            restaurant.per_person = per_person(restaurant.total, restaurant.people)
        series, summary = spend_summary(user, today)
        return {"series": series, "top_restaurants": restaurants, "summary": summary}

    return cached_figures(user, "dashboard", today, compute)


@user_page
@require_GET
def home(request):
    """The dashboard: this month against last month, the spend chart, recent meals, top restaurants."""
    today = timezone.localdate()
    figures = dashboard_figures(request.user, today)
    series, currency = figures["series"], settings.REPORTING_CURRENCY
    # The recent meals are read here, not by the template's first {% if %}.
    recent = with_row_columns(recent_expenses(request.user, limit=8))
    context = {
        "summary": figures["summary"],
        "expenses": list(recent),
        "top_restaurants": top_restaurant_rows(figures["top_restaurants"], currency),
        "chart_labels": json.dumps([label for label, _ in series]),
        "chart_values": json.dumps([str(quantize(total, currency)) for _, total in series]),
        "series": series,
        "reporting_currency": currency,
        "budget_template": _optional_template(BUDGET_PROGRESS_TEMPLATE),
    }
    return render(request, "expenses/dashboard.html", context)
