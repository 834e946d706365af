"""Web pages of the reports app: the Reports page (figures server-side, charts drawn from the same API)."""

import functools
from html import escape
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mealtracker.errors import DomainError, NotFound
from mealtracker.report_cache import cached_figures
from mealtracker.web import is_htmx
from reports.forms import BudgetForm, ImportRowEditForm, ImportUploadForm, ReportFilterForm
from reports.selectors import (
    PERIODS,
    attendees_report,
    breakdown_report,
    summary_report,
    tip_outliers_report,
    tip_trend_report,
    top_restaurants_report,
)
from reports.services import budgets as budget_services
from reports.services import imports as import_services

EXPORTS = [
    ("summary", "Summary", {}),
    ("totals", "Totals over time", {}),
    ("breakdown", "By category", {"by": "category"}),
    ("breakdown", "By restaurant", {"by": "restaurant"}),
    ("breakdown", "By cuisine", {"by": "cuisine"}),
    ("breakdown", "By meal type", {"by": "meal_type"}),
    ("breakdown", "By order type", {"by": "order_type"}),
    ("breakdown", "By tag", {"by": "tag"}),
    ("breakdown", "By trip", {"by": "trip"}),
    ("breakdown", "By weekday", {"by": "weekday"}),
    ("breakdown", "By hour", {"by": "hour"}),
    ("breakdown", "By exchange rate used", {"by": "rate_source"}),
    ("top-restaurants", "Top restaurants", {"by": "spend"}),
    ("heatmap", "Calendar heat map", {}),
    ("over-policy", "Over-policy expenses", {}),
    ("attendees", "Spend per guest company", {"by": "company"}),
    ("attendees", "Spend per guest", {"by": "guest"}),
    ("attendees", "Meals by who was there", {"by": "presence"}),
    ("tip-trend", "Tip rate over time", {}),
    ("tip-outliers", "Tip outliers by restaurant", {}),
]

# Each download's own parameters, encoded once.
EXPORT_QUERIES = [(kind, label, f"&{urlencode(extra)}" if extra else "") for kind, label, extra in EXPORTS]


def people_and_tips(viewer, filters, *, period: str) -> dict:
    """The Reports page's attendee and tip tables: three queries, whatever the number of meals."""
    period = period if period in PERIODS else "month"
    outliers = tip_outliers_report(viewer, filters)
    return {
        "guest_companies": attendees_report(viewer, filters, by="company").rows[:10],
        "tip_trend": tip_trend_report(viewer, filters, period=period).rows,
        "tip_outliers": outliers.rows,
        "overall_tip_percent": outliers.meta["overall_tip_percent"],
    }


def reports_page_figures(viewer, filters, *, period: str) -> dict:
    """Every figure of the Reports page, cached per viewer and filter until their data changes."""

    def compute():
        return {
            "summary": summary_report(viewer, filters),
            "categories": breakdown_report(viewer, filters, by="category"),
            "top": top_restaurants_report(viewer, filters, by="spend", limit=10),
            "people_and_tips": people_and_tips(viewer, filters, period=period),
        }

    return cached_figures(viewer, "reports_page", (filters, period), compute)


# The download menu's markup, once the template's two nested loops over seventy links (a third of the page's
# template time); tested equal to what the loops wrote. Plain `html.escape` is what Django's escape applies.
EXPENSE_EXPORT_LINK = '<a class="btn btn-sm btn-outline-secondary" href="{}">{}</a>'
EXPORT_ROW = (
    '\n        <div class="px-3 py-1 d-flex align-items-baseline gap-2 small">'
    '<span class="me-auto">{}</span>{}</div>\n      '
)
EXPORT_LINK = '<a href="{}" aria-label="{} as {}">{}</a>'


def export_links(exports: list[dict], expense_exports: list[tuple[str, str]]) -> tuple[str, str]:
    """(the report downloads, the expense downloads) of the download menu as HTML."""
    rows = []
    for item in exports:
        label = escape(item["label"])
        links = "".join(EXPORT_LINK.format(escape(url), label, escape(fmt), escape(fmt)) for fmt, url in item["links"])
        rows.append(EXPORT_ROW.format(label, links))
    expenses = "".join(EXPENSE_EXPORT_LINK.format(escape(url), escape(fmt)) for fmt, url in expense_exports)
    # Every value above is escaped.
    return mark_safe("".join(rows)), mark_safe(expenses)  # noqa: S308  # nosec B308 B703


@functools.cache
def _export_path(kind: str, file_format: str, script_prefix: str) -> str:
    return reverse("reports_api:export-report", args=[kind, file_format])


def _export_url(kind: str, file_format: str) -> str:
    """The path of a report's download: sixty on the page, reversed once per process (and script prefix)."""
    return _export_path(kind, file_format, get_script_prefix())


@require_GET
@login_required
def reports_page(request):
    """Spending for a date range and filters, in the reporting currency; Chart.js draws the API's figures."""
    form = ReportFilterForm(request.GET or None, user=request.user)
    filters = form.to_filters()
    error = None
    try:
        figures = reports_page_figures(request.user, filters, period=form.chosen_period())
    except DomainError as exc:
        error = exc.message
        filters = ReportFilterForm(user=request.user).to_filters()
        figures = reports_page_figures(request.user, filters, period=form.chosen_period())
    summary, categories, top = figures["summary"], figures["categories"], figures["top"]
    query = {
        "scope": filters.scope,
        "date_from": summary.date_from.isoformat(),
        "date_to": summary.date_to.isoformat(),
        "period": form.chosen_period(),
    }
    if filters.meal_types:
        query["meal_type"] = filters.meal_types[0]
    if filters.categories:
        query["category"] = filters.categories[0]
    encoded = urlencode(query)
    exports = [
        {
            "label": label,
            "links": [(fmt.upper(), _export_url(kind, fmt) + "?" + encoded + extra) for fmt in ("csv", "xlsx", "pdf")],
        }
        for kind, label, extra in EXPORT_QUERIES
    ]
    # The figures of this page on paper, first in the list.
    summary_pdf = reverse("reports_api:export-summary") + "?" + urlencode(query)
    exports.insert(0, {"label": "This page's figures", "links": [("PDF", summary_pdf)]})
    expense_exports = [
        (fmt.upper(), reverse("reports_api:export-expenses", args=[fmt]) + "?" + urlencode(query))
        for fmt in ("csv", "xlsx", "pdf", "json")
    ]
    export_html, expense_export_html = export_links(exports, expense_exports)
    context = {
        **figures["people_and_tips"],
        "form": form,
        "error": error,
        "summary": summary.rows[0],
        "report": summary,
        "categories": categories.rows,
        "top": top.rows,
        "query": encoded,
        "api_base": reverse("reports_api:report-index"),
        "export_links": export_html,
        "expense_export_links": expense_export_html,
        "reporting_currency": settings.REPORTING_CURRENCY,
    }
    return render(request, "reports/reports.html", context)


IMPORT_PAGE_SIZE = 50


def _batch_or_404(user, pk):
    try:
        return import_services.import_batch_get(user=user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@require_http_methods(["GET", "POST"])
@login_required
def import_upload(request):
    """Step 1: upload a file; nothing is written to expenses until the review is applied."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_services.import_batch_create(owner=request.user, filename=upload.name, payload=upload.read())
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("import_review", pk=batch.pk)
    batches = import_services.import_batches_of(request.user)[:20]
    return render(request, "reports/import_upload.html", {"form": form, "batches": batches})


@require_GET
@login_required
def import_review(request, pk):
    """Step 2: every row with its match, duplicates and errors, 50 at a time; import, skip or correct each one."""
    batch = _batch_or_404(request.user, pk)
    show = request.GET.get("show", "")
    page, next_after = import_services.import_rows_page(
        batch, show=show, after=request.GET.get("after", ""), size=IMPORT_PAGE_SIZE
    )
    for row in page:
        row.moment = import_services.import_row_moment(row, request.user)
    context = {"batch": batch, "rows": page, "show": show, "next_after": next_after}
    if is_htmx(request) and "after" in request.GET:
        return render(request, "reports/_import_rows.html", context)
    context["summary"] = import_services.import_summary(batch)
    return render(request, "reports/import_review.html", context)


@require_GET
@login_required
def import_row_edit(request, pk, row_pk):
    """A row's correction form, filled in with its current values (into the row through htmx, else as a page)."""
    batch = _batch_or_404(request.user, pk)
    row = get_object_or_404(batch.rows, pk=row_pk)
    form = ImportRowEditForm(initial=import_services.import_row_initial(row, request.user), auto_id=f"row{row.pk}-%s")
    context = {"batch": batch, "row": row, "form": form, "show": request.GET.get("show", "")}
    template = "reports/_import_row_edit.html" if is_htmx(request) else "reports/import_row_edit.html"
    return render(request, template, context)


@require_POST
@login_required
def import_row_change(request, pk, row_pk):
    batch = _batch_or_404(request.user, pk)
    row = get_object_or_404(batch.rows.select_related("batch__owner"), pk=row_pk)
    form = ImportRowEditForm(request.POST)
    if form.is_valid():
        action, values = form.changes()
        try:
            import_services.import_row_update(row=row, action=action, values=values)
            messages.success(request, f"Line {row.line_number} updated.")
        except DomainError as exc:
            messages.error(request, f"Line {row.line_number}: {exc.message}")
    return redirect(
        reverse("import_review", args=[batch.pk])
        + (f"?show={request.POST['show']}" if request.POST.get("show") else "")
    )


@require_POST
@login_required
def import_apply(request, pk):
    """Step 3: write every row marked for import, all or nothing."""
    batch = _batch_or_404(request.user, pk)
    try:
        result = import_services.import_batch_apply(batch=batch, actor=request.user)
    except DomainError as exc:
        details = "; ".join(f"{line}: {' '.join(msgs)}" for line, msgs in (getattr(exc, "errors", None) or {}).items())
        messages.error(request, f"{exc.message} {details}".strip())
        return redirect(reverse("import_review", args=[batch.pk]) + "?show=errors")
    messages.success(request, f"Imported {result['created']} expenses; {result['skipped']} rows skipped.")
    return redirect("import_review", pk=batch.pk)


@require_POST
@login_required
def import_discard(request, pk):
    batch = _batch_or_404(request.user, pk)
    try:
        import_services.import_batch_discard(batch=batch)
        messages.success(request, "Import discarded; nothing was written.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("import_upload")


@require_http_methods(["GET", "POST"])
@login_required
def budget_list(request):
    """Budgets with this period's progress and projection; a form to add one."""
    form = BudgetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            budget_services.budget_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Budget saved.")
            return redirect("budget_list")
    budgets = list(budget_services.budgets_visible_to(request.user))
    progress = budget_services.budget_progress(budgets)
    items = [
        {"budget": b, "progress": progress[b.pk], "editable": budget_services.can_edit_budget(request.user, b)}
        for b in budgets
    ]
    return render(request, "reports/budgets.html", {"form": form, "items": items})


@require_POST
@login_required
def budget_delete(request, pk):
    budget = get_object_or_404(budget_services.budgets_visible_to(request.user), pk=pk)
    try:
        budget_services.budget_delete(budget=budget, actor=request.user)
        messages.success(request, "Budget deleted.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("budget_list")
