"""Template helpers for the web UI: money in the product's format, query strings that keep filters."""

from decimal import Decimal

from django import template
from django.conf import settings

from mealtracker.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str | None = None) -> str:
    """`{{ expense.amount|money:expense.currency }}`; without a currency, the reporting currency."""
    if amount is None or amount == "":
        return "—"
    return format_money(Decimal(amount), currency or settings.REPORTING_CURRENCY)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" removes them)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def field_type(bound_field) -> str:
    return bound_field.field.widget.__class__.__name__
