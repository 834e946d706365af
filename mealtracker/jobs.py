"""Scheduled jobs: each a one-line target that Zappa's `events` call, running a management command."""

import datetime
import logging

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

logger = logging.getLogger(__name__)


def flush_expired_tokens(event=None, context=None):
    call_command("flushexpiredtokens")


def clear_sessions(event=None, context=None):
    call_command("clearsessions")


def send_budget_alerts(event=None, context=None):
    call_command("send_budget_alerts")


def send_monthly_reports(event=None, context=None):
    call_command("send_monthly_reports")


def purge_idempotency_keys(event=None, context=None):
    call_command("purge_idempotency_keys")


def load_exchange_rates(event=None, context=None):
    if not settings.ECB_RATES_DOWNLOAD:  # a stage without internet egress: skipped, not a daily failure in the DLQ
        logger.info("ECB rates download skipped: this stage has no internet egress (INTERNET_EGRESS=false)")
        return
    since = timezone.now().date() - datetime.timedelta(days=settings.ECB_SCHEDULED_DAYS)
    call_command("load_exchange_rates", "--download", "--since", since.isoformat())


def purge_rate_counters(event=None, context=None):
    call_command("purge_rate_counters")


def create_recurring_meals(event=None, context=None):
    call_command("create_recurring_meals")


def build_report_bundles(event=None, context=None):
    call_command("build_report_bundles")


def send_approval_reminders(event=None, context=None):
    call_command("send_approval_reminders", "--days", str(settings.APPROVAL_REMINDER_DAYS))


def deliver_webhooks(event=None, context=None):
    call_command("deliver_webhooks")


def send_notification_digests(event=None, context=None):
    call_command("send_notification_digests")
