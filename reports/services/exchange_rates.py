"""Loading exchange rates from the European Central Bank's historical reference rates (eurofxref-hist)."""

import csv
import datetime
import io
import urllib.request
import zipfile
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction

from expenses.models import ExchangeRate
from mealtracker.errors import DomainError
from mealtracker.money import is_currency_code

ECB_HISTORY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
RATE_PLACES = Decimal("0.00000001")
SOURCE = "ECB"
# The full history since 1999 is ~0.6 MB zipped and ~2 MB as CSV; anything far bigger is not the ECB file
# (a zip bomb, for one), so it is refused before it is read into memory.
ECB_MAX_BYTES = 50 * 1024 * 1024


def ecb_csv_text(payload: bytes) -> str:
    """The CSV inside the ECB zip, or the payload itself when it is already the CSV."""
    if payload[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            name = next((n for n in archive.namelist() if n.lower().endswith(".csv")), None)
            if name is None:
                raise DomainError("The archive holds no CSV file.", field="file")
            if archive.getinfo(name).file_size > ECB_MAX_BYTES:
                raise DomainError("The CSV in the archive is too large to be the ECB history.", field="file")
            with archive.open(name) as member:
                payload = member.read(ECB_MAX_BYTES + 1)
    if len(payload) > ECB_MAX_BYTES:
        raise DomainError("The rates file is too large to be the ECB history.", field="file")
    return payload.decode("utf-8-sig")


def ecb_download(url: str = ECB_HISTORY_URL, timeout: int | None = None) -> str:
    """Fetch the ECB history (a zip of eurofxref-hist.csv) and return the CSV text.

    The timeout (ECB_DOWNLOAD_TIMEOUT_SECONDS) stays well inside the function's own, so a slow ECB is a clean
    failure of this job rather than a killed invocation."""
    timeout = timeout or settings.ECB_DOWNLOAD_TIMEOUT_SECONDS
    if not url.startswith("https://"):
        raise DomainError("Rates are downloaded over HTTPS only.", field="url")
    # B310 is silenced: the https:// prefix is checked above, so no file: or ftp: URL reaches urlopen.
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310  # nosec B310
        return ecb_csv_text(response.read(ECB_MAX_BYTES + 1))


def parse_ecb_rates(text: str, *, reporting: str, since: datetime.date | None = None) -> Iterator[tuple]:
    """(date, currency, rate into `reporting`) from rows of 'Date,USD,JPY,...' quoted per 1 EUR.

    One unit of X is worth EUR_per_reporting / EUR_per_X units of the reporting currency; EUR itself is
    1 / EUR_per_reporting. Days without a rate for the reporting currency are skipped ("N/A" or blank).
    """
    reader = csv.reader(io.StringIO(text))
    header = [cell.strip() for cell in next(reader, [])]
    if not header or header[0].lower() != "date":
        raise DomainError("This is not an ECB rates file: the first column must be Date.", field="file")
    currencies = header[1:]
    for line_number, cells in enumerate(reader, start=2):
        if not cells or not cells[0].strip():
            continue
        try:
            day = datetime.date.fromisoformat(cells[0].strip())
        except ValueError as exc:
            raise DomainError(f"Line {line_number}: {cells[0]!r} is not a date.", field="file") from exc
        if since and day < since:
            continue
        per_eur = {}
        for code, cell in zip(currencies, cells[1:], strict=False):
            try:
                value = Decimal(cell.strip())
            except InvalidOperation:
                continue  # "N/A" or blank: no rate that day
            if code and value > 0:
                per_eur[code] = value
        per_eur["EUR"] = Decimal(1)
        if reporting not in per_eur:
            continue
        for code, value in per_eur.items():
            if code == reporting or not is_currency_code(code):
                continue
            yield day, code, (per_eur[reporting] / value).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def exchange_rates_load(rows: Iterable[tuple], *, source: str = SOURCE, batch_size: int = 2000) -> int:
    """Insert or update (currency, date) rates; returns how many rows were written."""
    written = 0
    batch: list[ExchangeRate] = []
    with transaction.atomic():
        for day, currency, rate in rows:
            batch.append(ExchangeRate(date=day, currency=currency, rate=rate, source=source))
            if len(batch) >= batch_size:
                written += _upsert(batch)
                batch = []
        if batch:
            written += _upsert(batch)
    return written


def _upsert(batch: list[ExchangeRate]) -> int:
    ExchangeRate.objects.bulk_create(
        batch, update_conflicts=True, unique_fields=["currency", "date"], update_fields=["rate", "source"]
    )
    return len(batch)


def load_ecb_text(text: str, *, since: datetime.date | None = None) -> int:
    return exchange_rates_load(parse_ecb_rates(text, reporting=settings.REPORTING_CURRENCY, since=since))
