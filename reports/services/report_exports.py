"""Reports as files: any report as CSV, XLSX or PDF, and the summary PDF of the Reports page.

Figures come from the report selectors (reports/selectors), so a file shows what the page and the API show.
The PDF and the workbook print what the report covers (dates, whose expenses, each filter) above its table.
"""

import datetime
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse

from accounts.models import User
from expenses.choices import ExpenseStatus
from mealtracker.money import format_money
from reports.selectors import (
    Report,
    ReportFilters,
    breakdown_report,
    summary_report,
    top_restaurants_report,
    totals_report,
)
from reports.selectors.exports import filter_lines
from reports.selectors.scope import WEEKDAYS
from reports.services.exports import CONTENT_TYPES, attachment, csv_stream

STATUS_LABELS = {code: str(label) for code, label in ExpenseStatus.choices}
# Columns whose figures add up to a total when a report's rows split its meals between them.
SUMMED = {"total", "visits"}
SUMMED_REPORTS = {"totals", "heatmap", "over-policy", "breakdown"}


def report_heading(viewer: User, report: Report) -> list[str]:
    """What a report covers, in words: its filters, then its time zone and currency."""
    lines = filter_lines(viewer, report.filters, date_from=report.date_from, date_to=report.date_to)
    return [
        " · ".join(f"{label}: {value}" for label, value in lines),
        f"Days and hours in {report.timezone} · amounts in {report.currency}",
    ]


def has_totals(report: Report) -> bool:
    """A breakdown by tag counts a meal once per tag; top restaurants leave the others out: no total for them."""
    return bool(report.rows) and report.kind in SUMMED_REPORTS and report.meta.get("by") != "tag"


def date_words(day, period: str | None = None) -> str:
    """A report's date as people read it: "Mar 2026" for a month, "Q1 2026", "week of 2 Mar 2026", "2 Mar 2026"."""
    if not isinstance(day, datetime.date):
        return "" if day is None else str(day)
    if period == "month":
        return f"{day:%b %Y}"
    if period == "quarter":
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    if period == "year":
        return str(day.year)
    if period == "week":
        return f"week of {day.day} {day:%b %Y}"
    return f"{day.day} {day:%b %Y}"


def cell_words(value, kind: str, key: str, *, currency: str, period: str | None = None) -> str:
    if value is None:
        return "—" if kind in {"money", "percent"} else ""
    if kind == "money":
        return format_money(value, currency)
    if kind == "percent":
        return f"{value}%"
    if kind == "int":
        return WEEKDAYS[value - 1] if key == "weekday" else f"{value:,}"
    if kind == "date":
        return date_words(value, period)
    if key == "status":
        return STATUS_LABELS.get(value, value)
    return str(value)


def report_words(report: Report) -> dict:
    """The report's rows as the PDF prints them, which columns are figures, and the totals row if it has one."""
    period = report.meta.get("period") if report.kind == "totals" else None
    rows = [
        [
            cell_words(row.get(c.key), c.kind, c.key, currency=report.currency, period=period)
            for c in report.columns
        ]
        for row in report.rows
    ]  # fmt: skip
    numeric = {index for index, c in enumerate(report.columns) if c.kind in {"money", "int", "percent"}}
    numeric -= {index for index, c in enumerate(report.columns) if c.key in {"weekday", "expense_id", "rank"}}
    totals = None
    if has_totals(report):
        totals = ["Total"] + [""] * (len(report.columns) - 1)
        for index, column in enumerate(report.columns):
            if column.key in SUMMED:
                figures = [row[column.key] for row in report.rows if row.get(column.key) is not None]
                total = sum(figures, Decimal(0) if column.kind == "money" else 0)
                totals[index] = cell_words(total, column.kind, column.key, currency=report.currency)
    return {"rows": rows, "numeric": numeric, "totals": totals}


def chart_points(report: Report) -> list[tuple[str, Decimal]] | None:
    """(label, total) pairs for reports that chart well: totals, breakdowns and top restaurants."""
    label_key = {"totals": "period_start", "breakdown": "label", "top-restaurants": "restaurant"}.get(report.kind)
    if not label_key or not report.rows:
        return None
    period = report.meta.get("period")
    return [
        (date_words(row[label_key], period) if period else str(row[label_key]), row["total"]) for row in report.rows
    ]


def report_response(report: Report, file_format: str, *, viewer: User):
    """Any report as CSV, XLSX or PDF: its columns, in order, with money in the reporting currency."""
    header = [column.label for column in report.columns]
    rows = [[row.get(column.key) for column in report.columns] for row in report.rows]
    if file_format == "csv":
        response = StreamingHttpResponse(csv_stream(header, rows), content_type=CONTENT_TYPES["csv"])
    elif file_format == "xlsx":
        from reports.services.export_xlsx import report_workbook

        handle = report_workbook(
            report, rows, heading=[report.title, *report_heading(viewer, report)], totals=has_totals(report)
        )
        response = FileResponse(handle, content_type=CONTENT_TYPES["xlsx"])
    else:
        from reports.services.export_pdf import report_pdf

        words = report_words(report)
        handle = report_pdf(
            report.title, report_heading(viewer, report), header, words["rows"], numeric=words["numeric"],
            totals=words["totals"], chart=chart_points(report),
        )  # fmt: skip
        response = FileResponse(handle, content_type=CONTENT_TYPES["pdf"])
    return attachment(response, f"report-{report.kind}", file_format)


def _section(title: str, report: Report, keys: list[str], *, chart: bool = True) -> dict:
    """A part of the summary PDF: some of a report's columns, and its chart."""
    columns = [column for column in report.columns if column.key in keys]
    picked = Report(**{**report.__dict__, "columns": columns})
    words = report_words(picked)
    return {
        "title": title,
        "header": [column.label for column in columns],
        "rows": words["rows"],
        "numeric": words["numeric"],
        "chart": chart_points(report) if chart else None,
    }


def summary_response(viewer: User, filters: ReportFilters, *, period: str = "month"):
    """The Reports page as a PDF: the headline figures against the period before, spending over time, by
    category, the top restaurants by spend and by visits, by meal type, weekday and hour."""
    from reports.services.export_pdf import summary_pdf

    summary = summary_report(viewer, filters)
    figures, currency = summary.rows[0], summary.currency
    previous = f"from {date_words(summary.meta['previous_from'])} to {date_words(summary.meta['previous_to'])}"
    if figures["change_percent"] is None:
        change, change_detail = "—", f"nothing spent {previous}"
    else:
        sign = "+" if figures["change"] > 0 else ""
        change = f"{sign}{figures['change_percent']}%"
        change_detail = f"{format_money(figures['previous_total'], currency)} {previous}"
    visits, people = figures["visits"], figures["people"]
    tip = figures["average_tip_percent"]
    cards = [
        ("Total spent", format_money(figures["total"], currency),
         f"{visits:,} visit{'s' if visits != 1 else ''} · {people:,} {'person' if people == 1 else 'people'}"),
        ("Average per visit", cell_words(figures["average_per_visit"], "money", "", currency=currency),
         f"{cell_words(figures['average_per_person'], 'money', '', currency=currency)} per person"),
        ("Average tip", "—" if tip is None else f"{tip}%", "of the pre-tip bill, on tipped meals"),
        ("Against the previous period", change, change_detail),
    ]  # fmt: skip
    money = ["total", "visits", "average_per_visit", "share_percent"]
    sections = [
        _section(f"Spending by {period}", totals_report(viewer, filters, period=period),
                 ["period_start", "total", "visits", "average_per_visit", "change", "change_percent"]),
        _section("By category", breakdown_report(viewer, filters, by="category"), ["label", *money]),
        _section("Top restaurants by spend", top_restaurants_report(viewer, filters, by="spend", limit=10),
                 ["rank", "restaurant", "cuisine", "total", "visits", "average_per_visit"]),
        _section("Top restaurants by visits", top_restaurants_report(viewer, filters, by="visits", limit=10),
                 ["rank", "restaurant", "cuisine", "visits", "total"], chart=False),
        _section("By meal type", breakdown_report(viewer, filters, by="meal_type"), ["label", *money]),
        _section("By weekday", breakdown_report(viewer, filters, by="weekday"), ["label", *money]),
        _section("By hour of day", breakdown_report(viewer, filters, by="hour"), ["label", *money]),
    ]  # fmt: skip
    handle = summary_pdf("Spending summary", report_heading(viewer, summary), cards, sections)
    return attachment(FileResponse(handle, content_type=CONTENT_TYPES["pdf"]), "spending-summary", "pdf")
