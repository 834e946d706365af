"""The monthly summary e-mail: last month's spend per user, sent once per user and month."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from expenses.models import Expense
from mealtracker.money import format_money
from reports.models import MonthlyReportMail
from reports.selectors.reports import summary_report
from reports.selectors.scope import ReportFilters


def previous_month(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    last_day = today.replace(day=1) - datetime.timedelta(days=1)
    return last_day.replace(day=1), last_day


def _message(user: User, report, first: datetime.date) -> str:
    figures = report.rows[0]
    currency = report.currency
    lines = [
        f"Hello {user},",
        "",
        f"Your meals in {first:%B %Y}:",
        f"  Total: {format_money(figures['total'], currency)} over {figures['visits']} visit(s)",
        f"  Average per visit: {format_money(figures['average_per_visit'], currency)}",
        f"  Previous month: {format_money(figures['previous_total'], currency)}",
        "",
        "The Reports page has the details.",
    ]
    return "\n".join(lines)


def monthly_reports_send(*, now: datetime.datetime | None = None) -> int:
    """E-mail each active user who ate out last month (in their own timezone) their summary; returns how many."""
    now = now or timezone.now()
    sent = 0
    earliest = now - datetime.timedelta(days=63)  # covers last month in every timezone
    recent_owners = Expense.objects.filter(occurred_at__gte=earliest).values("owner_id")
    for user in User.objects.filter(is_active=True, pk__in=recent_owners).order_by("pk"):
        first, last = previous_month(now.astimezone(user.tzinfo).date())
        report = summary_report(user, ReportFilters(date_from=first, date_to=last))
        if not report.rows[0]["visits"]:
            continue
        try:
            with transaction.atomic():
                MonthlyReportMail.objects.create(user=user, month=first)
                send_mail(
                    f"Your meals in {first:%B %Y}",
                    _message(user, report, first),
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
        except IntegrityError:
            continue  # already sent for this month
        sent += 1
    return sent
