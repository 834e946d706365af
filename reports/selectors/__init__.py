"""Read side of reporting. `scope` decides which expenses a report covers; `reports` aggregates them."""

from reports.selectors.people import attendees_report, tip_outliers_report, tip_trend_report
from reports.selectors.reports import (
    REPORTS,
    breakdown_report,
    build_report,
    heatmap_report,
    over_policy_report,
    summary_report,
    top_restaurants_report,
    totals_report,
)
from reports.selectors.scope import (
    PERIODS,
    Basis,
    Column,
    Report,
    ReportFilters,
    Scope,
    default_range,
    exported_expenses,
    report_expenses,
    resolve_range,
    scoped_expenses,
)

__all__ = [
    "PERIODS",
    "REPORTS",
    "Basis",
    "Column",
    "Report",
    "ReportFilters",
    "Scope",
    "attendees_report",
    "breakdown_report",
    "build_report",
    "default_range",
    "exported_expenses",
    "heatmap_report",
    "over_policy_report",
    "report_expenses",
    "resolve_range",
    "scoped_expenses",
    "summary_report",
    "tip_outliers_report",
    "tip_trend_report",
    "top_restaurants_report",
    "totals_report",
]
