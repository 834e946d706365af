"""X-Ray patches only when tracing is asked for; Sentry reports carry no personal data."""

import importlib.util

import pytest

from mealtracker import tracing


def test_sentry_events_lose_the_user_cookies_bodies_and_credentials():
    event = {
        "user": {"id": 7, "email": "member@example.com", "ip_address": "203.0.113.9"},
        "request": {
            "url": "https://meals.example.com/api/v1/expenses/",
            "query_string": "search=dinner+with+Alice",
            "cookies": {"sessionid": "abc"},
            "data": {"notes": "Dinner with Alice"},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
            "headers": {"Authorization": "Bearer eyJ...", "Cookie": "sessionid=abc", "User-Agent": "curl/8"},
        },
        "breadcrumbs": {"values": [{"category": "query", "data": {"params": ["member@example.com"]}}]},
    }
    scrubbed = tracing.scrub_event(event)
    assert "user" not in scrubbed
    assert set(scrubbed["request"]) == {"url", "headers"}
    assert scrubbed["request"]["headers"] == {
        "Authorization": tracing.FILTERED,
        "Cookie": tracing.FILTERED,
        "User-Agent": "curl/8",
    }
    assert "data" not in scrubbed["breadcrumbs"]["values"][0]


@pytest.mark.skipif(importlib.util.find_spec("sentry_sdk") is None, reason="sentry-sdk is not installed")
def test_sentry_starts_without_personal_data(settings, monkeypatch):
    import sentry_sdk

    seen = {}
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: seen.update(options))
    settings.SENTRY_DSN = "https://public@sentry.example.com/1"
    assert tracing.install_sentry() is True
    assert seen["send_default_pii"] is False
    assert seen["before_send"] is tracing.scrub_event


@pytest.mark.skipif(importlib.util.find_spec("aws_xray_sdk") is None, reason="aws-xray-sdk is not installed")
def test_xray_patches_sql_aws_and_http_calls_when_tracing(monkeypatch):
    from aws_xray_sdk import core

    patched = []
    monkeypatch.setattr(core, "patch", lambda modules, raise_errors: patched.extend(modules))
    monkeypatch.setattr(core.xray_recorder, "configure", lambda **options: None)
    assert tracing.install_xray() is True
    assert {"psycopg2", "botocore", "requests", "httplib"} <= set(patched)


def test_nothing_is_patched_off_lambda(settings, monkeypatch):
    calls = []
    monkeypatch.setattr(tracing, "_installed", False)
    monkeypatch.setattr(tracing, "install_xray", lambda: calls.append("xray"))
    monkeypatch.setattr(tracing, "install_sentry", lambda: calls.append("sentry"))
    settings.XRAY_TRACING = False
    settings.SENTRY_DSN = ""
    tracing.install()
    assert calls == []
