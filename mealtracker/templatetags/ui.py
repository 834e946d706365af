"""Template helpers for the web UI: money in the product's format, query strings that keep filters, icons."""

import functools
import re
from decimal import Decimal
from pathlib import Path

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


@functools.cache
def _icon_svg(name: str) -> str:
    """A Bootstrap Icons SVG (copied from npm by scripts/build-assets.sh), sized to the text around it."""
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise template.TemplateSyntaxError(f"Not an icon name: {name!r}")
    relative = f"vendor/bootstrap-icons/{name}.svg"
    found = finders.find(relative) or (Path(settings.STATIC_ROOT) / relative)
    try:
        svg = Path(found).read_text()
    except OSError as exc:
        raise template.TemplateSyntaxError(f"Icon {name!r} missing: add it to scripts/bootstrap-icons.txt") from exc
    svg = re.sub(r'\s(width|height|class)="[^"]*"', "", svg, count=3)
    svg = re.sub(r">\s+<", "><", svg.strip())
    return svg.replace("<svg ", '<svg class="bi" width="1em" height="1em" aria-hidden="true" focusable="false" ', 1)


@register.simple_tag
def icon(name: str, css_class: str = "") -> str:
    """`{% icon "receipt" %}`: an inline, decorative SVG icon (the text next to it names the action)."""
    svg = _icon_svg(name)
    if css_class:
        svg = svg.replace('class="bi"', format_html('class="bi {}"', css_class), 1)
    return mark_safe(svg)  # noqa: S308 - our own files from npm, names checked above


# The navigation section each page belongs to, by URL name (exact names first, then prefixes).
NAV_SECTIONS = {
    "home": "home",
    "expense_create": "add",
    "approval_queue": "approvals",
    "team_expense_list": "approvals",
    "reports": "reports",
}
NAV_PREFIXES = (
    ("expense_", "expenses"),
    ("receipt_", "expenses"),
    ("restaurant", "restaurants"),
    ("place_", "restaurants"),
    ("merchant_", "restaurants"),
)


@register.simple_tag(takes_context=True)
def nav_section(context) -> str:
    """`{% nav_section as section %}`: which navigation entry the current page is under ("more" for the rest)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else ""
    if name in NAV_SECTIONS:
        return NAV_SECTIONS[name]
    return next((section for prefix, section in NAV_PREFIXES if name and name.startswith(prefix)), "more")


@register.filter
def alert_class(message) -> str:
    """Bootstrap's alert colour for a django.contrib.messages level."""
    return {"error": "danger", "debug": "secondary"}.get(message.level_tag, message.level_tag or "info")


STATUS_BADGES = {
    "recorded": "bg-secondary-subtle text-secondary-emphasis",
    "draft": "bg-secondary-subtle text-secondary-emphasis",
    "submitted": "bg-warning-subtle text-warning-emphasis",
    "approved": "bg-success-subtle text-success-emphasis",
    "reimbursed": "bg-info-subtle text-info-emphasis",
    "rejected": "bg-danger-subtle text-danger-emphasis",
}


@register.filter
def status_badge(status: str) -> str:
    """Bootstrap classes of an expense status chip; readable in light and dark mode."""
    return STATUS_BADGES.get(str(status), "bg-secondary-subtle text-secondary-emphasis")


@register.simple_tag(takes_context=True)
def active_filters(context, form, ignore: str = "q,sort,page") -> list[dict]:
    """The list filters in the query string as chips: a label and the address without that one filter."""
    request = context["request"]
    chips = []
    for name, values in request.GET.lists():
        if name in ignore.split(","):
            continue
        field = form.fields.get(name)
        for value in (v for v in values if v):
            params = request.GET.copy()
            params.setlist(name, [v for v in params.getlist(name) if v != value])
            params.pop("page", None)
            if field is None:
                text = f"{name}: {value}"
            elif name == "tag":
                text = f"#{value}"
            elif not hasattr(field, "queryset"):
                shown = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
                text = f"{field.label}: {shown}"
            else:
                text = str(field.label)  # a chosen object: named in the filter panel, not looked up again here
            chips.append({"text": text, "url": f"?{params.urlencode()}"})
    return chips
