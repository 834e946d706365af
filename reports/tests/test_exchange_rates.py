import datetime
import io
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from expenses.models import ExchangeRate
from expenses.tests.factories import ExchangeRateFactory

FIXTURES = Path(__file__).parent / "fixtures"
MARCH_2 = datetime.date(2026, 3, 2)


def rate(currency, day=MARCH_2):
    return ExchangeRate.objects.get(currency=currency, date=day).rate


def load(*args):
    out = io.StringIO()
    call_command("load_exchange_rates", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_ecb_rates_per_euro_become_rates_into_the_reporting_currency():
    load(str(FIXTURES / "eurofxref-hist-sample.csv"))
    # USD is the reporting currency: 1 EUR = 1.10 USD, 1 GBP = 1.10 / 0.85 USD, 1 JPY = 1.10 / 164 USD.
    assert (rate("EUR"), rate("GBP"), rate("JPY")) == (
        Decimal("1.10000000"),
        Decimal("1.29411765"),
        Decimal("0.00670732"),
    )


@pytest.mark.django_db
def test_missing_ecb_cells_and_withdrawn_currencies_are_skipped():
    load(str(FIXTURES / "eurofxref-hist-sample.csv"))
    assert not ExchangeRate.objects.filter(currency__in=["BGN", "CYP", "USD"]).exists()


@pytest.mark.django_db
def test_loading_twice_updates_rates_instead_of_duplicating_them():
    ExchangeRateFactory(currency="EUR", date=MARCH_2, rate=Decimal("9.99"))
    load(str(FIXTURES / "eurofxref-hist-sample.csv"))
    load(str(FIXTURES / "eurofxref-hist-sample.csv"))
    assert ExchangeRate.objects.filter(currency="EUR").count() == 2
    assert rate("EUR") == Decimal("1.10000000")


@pytest.mark.django_db
def test_rates_are_converted_for_another_reporting_currency(settings):
    settings.REPORTING_CURRENCY = "EUR"
    load(str(FIXTURES / "eurofxref-hist-sample.csv"))
    assert (rate("USD"), rate("GBP")) == (Decimal("0.90909091"), Decimal("1.17647059"))


@pytest.mark.django_db
def test_download_reads_the_ecb_zip(monkeypatch):
    payload = (FIXTURES / "eurofxref-hist-sample.zip").read_bytes()
    requested = []

    def fake_urlopen(url, timeout):
        requested.append(url)
        return io.BytesIO(payload)

    monkeypatch.setattr("urllib.request.urlopen", fake_urlopen)
    output = load("--download")
    assert requested == ["https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"]
    assert "Loaded 8 exchange rates" in output


@pytest.mark.django_db
def test_since_skips_older_days():
    load(str(FIXTURES / "eurofxref-hist-sample.csv"), "--since", "2026-03-03")
    assert set(ExchangeRate.objects.values_list("date", flat=True)) == {datetime.date(2026, 3, 3)}


@pytest.mark.django_db
def test_a_file_that_is_not_ecb_shaped_is_refused(tmp_path):
    wrong = tmp_path / "rates.csv"
    wrong.write_text("when,usd\n2026-01-01,1\n")
    with pytest.raises(CommandError, match="first column must be Date"):
        load(str(wrong))


def test_a_currency_without_a_loaded_rate_is_a_400_asking_for_the_rate(db):
    # The conversion rule lives in expenses; the rates this command loads are the ones it reads.
    from expenses.services import convert_to_reporting
    from mealtracker.errors import DomainError

    with pytest.raises(DomainError) as error:
        convert_to_reporting(amount=Decimal(10), currency="CHF", on_date=MARCH_2)
    assert error.value.field == "exchange_rate"
    assert HTTPStatus(error.value.status) == HTTPStatus.BAD_REQUEST
