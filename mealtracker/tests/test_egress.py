"""What needs the internet: on where the stage has a route, hidden (not failing daily) where it has none."""

import io
import json
import os
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from expenses.models import ExchangeRate
from mealtracker import jobs

ROOT = Path(__file__).resolve().parents[2]
ZAPPA = json.loads((ROOT / "zappa_settings.json").read_text())


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def ecb_zip(rows: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("eurofxref-hist.csv", "Date,USD,JPY,\n" + rows)
    return out.getvalue()


@pytest.mark.django_db
def test_the_daily_rates_job_loads_recent_days_within_the_functions_timeout(settings, monkeypatch):
    import datetime

    from django.utils import timezone

    today = timezone.now().date()
    old = today - datetime.timedelta(days=400)
    calls = []

    def urlopen(url, timeout):
        calls.append(timeout)
        return FakeResponse(ecb_zip(f"{today},1.10,160.0,\n{old},1.05,140.0,\n"))

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)

    jobs.load_exchange_rates({}, None)

    assert calls == [settings.ECB_DOWNLOAD_TIMEOUT_SECONDS]
    assert ZAPPA["base"]["timeout_seconds"] / 2 >= settings.ECB_DOWNLOAD_TIMEOUT_SECONDS
    assert ExchangeRate.objects.filter(date=today).exists()
    assert not ExchangeRate.objects.filter(date=old).exists(), "only the last days: the history would not fit"


@pytest.mark.django_db
def test_without_egress_the_rates_job_is_skipped_not_failed(settings, monkeypatch, caplog):
    settings.ECB_RATES_DOWNLOAD = False

    def no_route(*args, **kwargs):
        raise AssertionError("no download may be attempted without a route to the internet")

    monkeypatch.setattr(urllib.request, "urlopen", no_route)
    caplog.set_level("INFO", logger="mealtracker.jobs")

    jobs.load_exchange_rates({}, None)

    assert "skipped" in caplog.text


def settings_value(name: str, **env) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in {"PLACES_API_KEY", "INTERNET_EGRESS"}}
    environment.update({"DJANGO_SETTINGS_MODULE": "mealtracker.settings", **env})
    code = f"import django; from django.conf import settings; print(repr(settings.{name}))"
    result = subprocess.run(  # noqa: S603 - our interpreter, fixed code
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def test_without_egress_google_places_are_hidden_even_with_a_key():
    assert settings_value("PLACES_API_KEY", PLACES_API_KEY="server-key", INTERNET_EGRESS="false") == "''"
    assert settings_value("ECB_RATES_DOWNLOAD", INTERNET_EGRESS="false") == "False"


def test_with_egress_the_key_is_used():
    assert settings_value("PLACES_API_KEY", PLACES_API_KEY="server-key", INTERNET_EGRESS="true") == "'server-key'"


def test_ses_smtp_endpoint_defaults_to_starttls_on_587():
    host = "EMAIL_HOST=email-smtp.us-east-1.amazonaws.com"
    env = dict([host.split("=")])
    assert settings_value("EMAIL_PORT", **env) == "587"
    assert settings_value("EMAIL_USE_TLS", **env) == "True"
