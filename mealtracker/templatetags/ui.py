"""Template helpers for the web UI: money in the product's format, query strings that keep filters, icons."""

import datetime
import functools
import re
from decimal import Decimal
from pathlib import Path

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms.utils import pretty_name
from django.templatetags.static import static
from django.urls import get_script_prefix
from django.utils import dateformat, timezone
from django.utils.html import format_html

from mealtracker.money import format_money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str | None = None) -> str:
    """`{{ expense.amount|money:expense.currency }}`; without a currency, the reporting currency."""
    if amount is None or amount == "":
        return "—"
    return format_money(Decimal(amount), currency or settings.REPORTING_CURRENCY)


@register.filter
def meal_day(moment: datetime.datetime | None) -> str:
    """The day of a meal in a compact row, in the user's timezone: "Thu 26 Nov" this year, "Thu 26 Nov 2025" before."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return dateformat.format(local, "D j M" if local.year == timezone.localdate().year else "D j M Y")


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


ICON_SPRITE = "vendor/bootstrap-icons/sprite.svg"


@functools.cache
def _icon_names() -> frozenset[str]:
    """The icons in the sprite that scripts/build-assets.sh builds from scripts/bootstrap-icons.txt."""
    found = finders.find(ICON_SPRITE) or (Path(settings.STATIC_ROOT) / ICON_SPRITE)
    try:
        sprite = Path(found).read_text()
    except OSError as exc:
        raise template.TemplateSyntaxError(f"{ICON_SPRITE} is missing: run make assets") from exc
    return frozenset(re.findall(r'<symbol id="([a-z0-9-]+)"', sprite))


@register.simple_tag
def icon(name: str, css_class: str = "") -> str:
    """`{% icon "receipt" %}`: a decorative icon (the text next to it names the action), drawn from the one cached
    sprite of Bootstrap Icons, so a page carries a reference of about a hundred bytes, not the icon's paths."""
    if name not in _icon_names():
        raise template.TemplateSyntaxError(f"Icon {name!r} missing: add it to scripts/bootstrap-icons.txt")
    return _icon_markup(name, css_class, get_script_prefix())


@functools.cache
def _icon_markup(name: str, css_class: str, script_prefix: str) -> str:
    """An icon's markup, made once per process: a page draws twenty-odd icons and their sprite's static URL (the
    same for every request) was a tenth of its rendering."""
    return format_html(
        '<svg class="bi{}" width="1em" height="1em" aria-hidden="true"><use href="{}#{}"/></svg>',
        f" {css_class}" if css_class else "",
        static(ICON_SPRITE),
        name,
    )


@receiver(setting_changed)
def _forget_icon_markup(*, setting: str, **kwargs) -> None:
    if setting in {"STORAGES", "STATIC_URL", "STATIC_ROOT", "FORCE_SCRIPT_NAME"}:
        _icon_markup.cache_clear()


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
    "second_review": "bg-warning-subtle text-warning-emphasis",
    "open": "bg-secondary-subtle text-secondary-emphasis",
    "partly_approved": "bg-warning-subtle text-warning-emphasis",
    "paid": "bg-info-subtle text-info-emphasis",
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
                text = f"{field.label or pretty_name(name)}: {shown}"
            else:
                text = str(field.label or pretty_name(name))  # an object: named in the panel, not looked up again
            chips.append({"text": text, "url": f"?{params.urlencode()}"})
    return chips
