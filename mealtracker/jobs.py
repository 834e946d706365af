"""Scheduled jobs: each a one-line target that Zappa's `events` call, running a management command."""

from django.core.management import call_command


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
    call_command("load_exchange_rates", "--download")


def purge_rate_counters(event=None, context=None):
    call_command("purge_rate_counters")
