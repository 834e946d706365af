"""Reading expense files (CSV, XLSX, JSON) into normalised rows: header aliases, dates, amounts, choices.

Pure functions: nothing here touches the database. The review and apply steps live in services/imports.py.
"""

import csv
import datetime
import functools
import io
import itertools
import re
import zipfile
import zoneinfo
from decimal import Decimal, InvalidOperation

from expenses.choices import MealType, OrderType, PaymentMethod, RateSource
from expenses.fields import EXPORT_TITLES
from expenses.models import Restaurant
from expenses.services.catalog import normalise_tag_name
from mealtracker import bounded_json
from mealtracker.countries import country_code
from mealtracker.errors import DomainError
from mealtracker.money import is_currency_code, parse_amount, precision_error, quantize

MAX_ROWS = 20_000
MAX_BYTES = 15 * 1024 * 1024
XLSX_MAX_INFLATED_BYTES = 100 * 1024 * 1024
CSV_DELIMITERS = ",;\t|"
CSV_DELIMITER_SAMPLE_ROWS = 50

# Canonical field -> header names that mean it (compared after normalising: lower case, spaces to "_").
ALIASES = {
    "date": ["date", "transaction_date", "trans_date", "posted_on", "posted_date", "posting_date", "post_date",
             "visit_date", "day", "expense_date"],
    "time": ["time", "local_time", "visit_time"],
    "time_utc": ["time_utc"],
    "datetime_utc": ["datetime_utc"],
    "occurred_at": ["occurred_at", "datetime", "timestamp", "date_time"],
    "cleared_date": ["cleared_date", "cleared_on", "cleared"],
    "amount": ["amount", "total", "cost", "price", "total_amount", "amount_paid", "debit", "value", "spent"],
    "currency": ["currency", "currency_code", "ccy"],
    "tax": ["tax", "tax_amount", "sales_tax", "vat"],
    "tip": ["tip", "tip_amount", "gratuity"],
    "fees": ["fees", "fee", "service_charge", "delivery_fee"],
    "exchange_rate": ["exchange_rate", "rate", "fx_rate"],
    "rate_source": ["rate_source"],
    "charged_amount": ["charged_amount", "card_charged", "card_amount", "billed_amount", "billing_amount"],
    "charged_currency": ["charged_currency", "card_currency", "billing_currency"],
    "meal_type": ["meal_type", "meal"],
    "order_type": ["order_type", "order"],
    "party_size": ["party_size", "party", "guests", "people", "covers", "headcount"],
    "payment_method": ["payment_method", "payment", "paid_with", "account"],
    "category_name": ["category_name", "category"],
    "tags": ["tags", "tag", "labels"],
    "restaurant_name": ["restaurant_name", "restaurant", "payee", "vendor", "merchant", "merchant_name", "place",
                        "store", "name", "business"],
    "restaurant_location": ["restaurant_location", "location_name", "branch"],
    "restaurant_address": ["restaurant_address", "address", "address_line_1"],
    "restaurant_city": ["restaurant_city", "city"],
    "restaurant_state": ["restaurant_state", "state", "region", "province"],
    "restaurant_postal_code": ["restaurant_postal_code", "postal_code", "zip", "zip_code", "postcode"],
    "restaurant_country": ["restaurant_country", "country"],
    "restaurant_google_place_id": ["restaurant_google_place_id", "google_place_id", "place_id"],
    "restaurant_cuisine": ["restaurant_cuisine", "cuisine"],
    "notes": ["notes", "note", "memo", "description", "comment", "comments", "details"],
    "is_business": ["is_business", "business_meal", "reimbursable"],
    "business_purpose": ["business_purpose", "purpose"],
    "attendees": ["attendees"],
    "timezone": ["timezone", "time_zone", "tz"],
    "exclusion": ["exclusion", "excluded", "exclude"],
}  # fmt: skip
HEADER_TO_FIELD = {alias: field for field, aliases in ALIASES.items() for alias in aliases}

DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d-%b-%y", "%d-%b-%Y", "%b %d, %Y", "%d %b %Y", "%Y/%m/%d",
                "%d.%m.%Y", "%Y%m%d"]  # fmt: skip
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p", "%I %p"]
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)  # noqa: DTZ001 - Excel serial dates are naive local dates
TRUE = {"true", "yes", "y", "1", "x"}
FALSE = {"false", "no", "n", "0", ""}
MEAL_SYNONYMS = {"late night": "late_night", "late-night": "late_night", "snack": "snacks", "drink": "drinks",
                 "grocery": "groceries"}  # fmt: skip
ORDER_SYNONYMS = {"dine in": "dine_in", "dine-in": "dine_in", "take out": "takeout", "take-out": "takeout",
                  "pickup": "takeout", "drive thru": "drive_thru", "drive-thru": "drive_thru"}  # fmt: skip
# A choice's label, as our workbooks write it ("Mobile wallet"), reads as its code.
PAYMENT_SYNONYMS = {str(label).lower(): code for code, label in PaymentMethod.choices}
# The codes, read once (an enum's .values builds its list on every call).
MEAL_TYPES, ORDER_TYPES, PAYMENT_METHODS = MealType.values, OrderType.values, PaymentMethod.values


def normalise_header(name) -> str:
    text = str(name or "").strip().lstrip("\ufeff").lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


# Our workbooks title their columns for people ("Date and time (UTC)", "Meal"); each title means its column.
HEADER_TO_FIELD |= {normalise_header(title): column for column, title in EXPORT_TITLES.items() if column in ALIASES}


def _unneutralise(value):
    # Our exports prefix formula-like text with an apostrophe; reading it back restores the original.
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def read_rows(filename: str, payload: bytes) -> tuple[str, list[tuple[int, dict]]]:
    """(file format, [(line number, {header: cell})]). Line numbers are those a spreadsheet shows."""
    if len(payload) > MAX_BYTES:
        raise DomainError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.", field="file")
    name = (filename or "").lower()
    if name.endswith(".xlsx") or payload[:2] == b"PK":
        return "xlsx", _read_xlsx(payload)
    # NUL characters never occur in a real CSV or JSON export (and PostgreSQL cannot store them in text or jsonb).
    if b"\x00" in payload or b"\\u0000" in payload:
        raise DomainError("This file is not a CSV, XLSX or JSON export (it contains binary data).", field="file")
    if name.endswith(".json") or payload.lstrip()[:1] in (b"[", b"{"):
        return "json", _read_json(payload)
    return "csv", _read_csv(payload)


def _check_size(rows: list) -> None:
    if len(rows) > MAX_ROWS:
        raise DomainError(f"A file can hold at most {MAX_ROWS:,} rows; split it.", field="file")


def _read_csv(payload: bytes) -> list[tuple[int, dict]]:
    """Standard CSV quoting (RFC 4180: a quote inside a quoted cell is written twice) over the whole file.

    Only the delimiter is guessed, from the header and the rows after it; the quoting is never guessed from a
    prefix, so a cell far down the file reads back exactly as written. A file that escapes quotes with a
    backslash instead is read that way only when standard quoting cannot read it."""
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = payload.decode("cp1252", errors="replace")
    delimiter = _csv_delimiter(text)
    try:
        rows = _csv_rows(text, delimiter, escapechar=None)
    except _UnreadableCsv as standard:
        if '\\"' not in text:
            raise standard.refusal() from None
        try:
            rows = _csv_rows(text, delimiter, escapechar="\\")
        except _UnreadableCsv:
            raise standard.refusal() from None
    _check_size(rows)
    return rows


class _UnreadableCsv(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line

    def refusal(self) -> DomainError:
        return DomainError(
            f"Line {self.line} is not valid CSV: a quoted cell is not closed properly "
            '(inside a quoted cell, write a quote as two quotes: "").',
            field="file",
        )


def _csv_delimiter(text: str) -> str:
    """The delimiter that splits the header into columns and the next rows into as many; a comma on a tie."""
    best, best_score = ",", (0, 0)
    for delimiter in CSV_DELIMITERS:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        records = []
        try:
            for cells in itertools.islice(reader, CSV_DELIMITER_SAMPLE_ROWS + 1):
                if any(cell.strip() for cell in cells):
                    records.append(len(cells))
        except csv.Error:
            pass  # judged on the records read so far; the real read below reports the bad line
        if not records or records[0] < 2:
            continue
        width = records[0]
        score = (sum(1 for count in records[1:] if count == width), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(text: str, delimiter: str, *, escapechar: str | None) -> list[tuple[int, dict]]:
    """(row number as a spreadsheet shows it, {header: cell}); blank rows are skipped but counted."""
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar='"',
        doublequote=escapechar is None,
        escapechar=escapechar,
        strict=True,
    )
    rows, header = [], None
    for line in itertools.count(1):
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                # One cell longer than the csv module reads (128 KB): no field of an expense is anywhere near it.
                raise DomainError(
                    f"Line {line} has a cell longer than {csv.field_size_limit():,} characters; "
                    "no field of an expense is that long.",
                    field="file",
                ) from exc
            raise _UnreadableCsv(line) from exc
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = cells
            continue
        rows.append((line, dict(zip(header, cells, strict=False))))
    if header is None:
        raise DomainError("The file is empty.", field="file")
    return rows


def _check_archive(payload: bytes) -> None:
    """Refuse a zip bomb before openpyxl inflates it: a real expense workbook of MAX_ROWS rows is a few MB unzipped."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise DomainError("This is not a readable XLSX file.", field="file") from exc
    # zipfile stops each member at its declared size, so the declared total bounds what openpyxl can read.
    if inflated > XLSX_MAX_INFLATED_BYTES:
        raise DomainError(
            f"This workbook unpacks to more than {XLSX_MAX_INFLATED_BYTES // (1024 * 1024)} MB; "
            "export it as CSV or split it.",
            field="file",
        )


def _read_xlsx(payload: bytes) -> list[tuple[int, dict]]:
    from openpyxl import load_workbook

    _check_archive(payload)
    try:
        workbook = load_workbook(io.BytesIO(payload), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken archive
        raise DomainError("This is not a readable XLSX file.", field="file") from exc
    sheet = workbook.worksheets[0]
    rows, header = [], None
    for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        if not any(cell not in (None, "") for cell in cells):
            continue
        if header is None:
            header = list(cells)
            dated = [i for i, h in enumerate(header) if HEADER_TO_FIELD.get(normalise_header(h)) in DATE_FIELDS]
            continue
        if _is_totals_line(cells, dated):
            continue
        rows.append((line, {h: c for h, c in zip(header, cells, strict=False) if h is not None}))
        if len(rows) > MAX_ROWS:
            break
    workbook.close()
    if header is None:
        raise DomainError("The workbook's first sheet is empty.", field="file")
    _check_size(rows)
    return rows


DATE_FIELDS = {"date", "datetime_utc", "occurred_at"}


def _is_totals_line(cells: tuple, dated: list[int]) -> bool:
    """A line that starts with "Total" and has no date: a workbook's totals (ours end with them), not a meal."""
    first = cells[0] if cells else None
    return (
        isinstance(first, str)
        and first.strip().lower().startswith("total")
        and all(index >= len(cells) or cells[index] in (None, "") for index in dated)
    )


def _read_json(payload: bytes) -> list[tuple[int, dict]]:
    try:
        data = bounded_json.loads(payload.decode("utf-8-sig"))
    except bounded_json.TooDeeplyNested as exc:
        raise DomainError(f"This is not an expense export: {exc}", field="file") from exc
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise DomainError("This is not a readable JSON file.", field="file") from exc
    if isinstance(data, dict):
        data = data.get("expenses", data.get("data"))
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise DomainError("The JSON must be a list of expenses or an object with an 'expenses' list.", field="file")
    rows = [(index, item) for index, item in enumerate(data, start=1)]  # "line" is the item's position
    _check_size(rows)
    return rows


@functools.lru_cache(maxsize=1024, typed=True)  # 1, 1.0 and True are three headers
def _field_of_header(header) -> str | None:
    return HEADER_TO_FIELD.get(normalise_header(header))  # a file repeats its headers on every row


def canonical(raw: dict) -> dict:
    """Map the file's headers to our field names; the first header that means a field wins."""
    values = {}
    for header, cell in raw.items():
        field = _field_of_header(header)
        if field and field not in values:
            values[field] = _unneutralise(cell)
    return values


def parse_date(value) -> datetime.date | datetime.datetime:
    """ISO, US (m/d/Y), '7-Mar-26', 'Mar 7, 2026', ... or an Excel serial number (with a time fraction)."""
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return _excel_serial(Decimal(str(value)))
    return _parse_date_text(str(value).strip())


@functools.lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> datetime.date | datetime.datetime:
    # A file repeats its dates from row to row; each distinct text is read once.
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _excel_serial(Decimal(text))
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a date we can read (use YYYY-MM-DD)")


def _excel_serial(serial: Decimal):
    if not serial.is_finite() or not 1 <= serial < 2_958_466:  # NaN would raise on the comparison
        raise ValueError(f"{serial} is not an Excel date")
    moment = EXCEL_EPOCH + datetime.timedelta(days=float(serial))
    return moment.date() if serial == serial.to_integral_value() else moment.replace(microsecond=0)


def parse_time(value) -> datetime.time:
    if isinstance(value, datetime.time):
        return value
    if isinstance(value, datetime.datetime):
        return value.time()
    if isinstance(value, float) and 0 <= value < 1:  # an Excel time fraction
        return (EXCEL_EPOCH + datetime.timedelta(days=value)).time().replace(microsecond=0)
    return _parse_time_text(str(value).strip().upper(), repr(value))


@functools.lru_cache(maxsize=4096)
def _parse_time_text(text: str, shown: str) -> datetime.time:
    for fmt in TIME_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).time()  # noqa: DTZ007 - a wall-clock time
        except ValueError:
            continue
    raise ValueError(f"{shown} is not a time (use HH:MM)")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _money(value, currency: str, field: str, errors: dict) -> str | None:
    try:
        amount = parse_amount(value if not isinstance(value, float) else repr(value))
    except ValueError:
        errors[field] = f"{value!r} is not an amount"
        return None
    amount = abs(amount)  # bank exports show charges as negative numbers
    try:
        rounded = quantize(amount, currency)
    except InvalidOperation:  # "1e999": more digits than any amount column holds
        errors[field] = f"{value!r} is too large to be an amount"
        return None
    if rounded != amount:
        errors[field] = f"{value}: {precision_error(currency)}"
        return None
    return str(rounded)


def _choice(value, choices, synonyms: dict, default: str, field: str, errors: dict) -> str:
    if _blank(value):
        return default
    text = str(value).strip().lower()
    text = synonyms.get(text, text).replace(" ", "_")
    if text not in choices:
        errors[field] = f"{value!r} is not one of {', '.join(choices)}"
        return default
    return text


# Import field -> the restaurant column it fills; a longer value is cut to the column (with a warning).
RESTAURANT_COLUMNS = {
    "restaurant_name": "name", "restaurant_location": "location_name", "restaurant_address": "address_line_1",
    "restaurant_city": "city", "restaurant_state": "region", "restaurant_postal_code": "postal_code",
    "restaurant_google_place_id": "place_id", "restaurant_cuisine": "cuisine",
}  # fmt: skip


def normalise_row(raw: dict, *, default_currency: str) -> tuple[dict, dict]:
    """(values ready for expense_create as JSON-safe strings, {field: error}) for one file row.

    Whatever is read differently from what the file says (a country not in ISO 3166, a tag saved under another
    spelling, text cut to fit) is listed in values["warnings"] as "field: message"; the row can still be imported."""
    cells = canonical(raw)
    given = {field: cell for field, cell in cells.items() if not _blank(cell)}  # most fields are absent or blank
    errors: dict[str, str] = {}
    warnings: dict[str, str] = {}
    values: dict = {}
    tz = None
    if "timezone" in given:
        tz_name = str(cells["timezone"]).strip()
        try:
            tz = zoneinfo.ZoneInfo(tz_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = f"{tz_name!r} is not an IANA timezone"
    values["occurred_at"] = _occurred_at(given, tz, errors)
    if "cleared_date" in given:
        try:
            cleared = parse_date(cells["cleared_date"])
            values["cleared_on"] = (cleared.date() if isinstance(cleared, datetime.datetime) else cleared).isoformat()
        except ValueError as exc:
            errors["cleared_date"] = str(exc)
    currency = str(cells.get("currency") or "").strip().upper() or default_currency
    if not is_currency_code(currency):
        errors["currency"] = f"{currency!r} is not a supported currency code"
        currency = default_currency
    values["currency"] = currency
    if "amount" not in given:
        errors["amount"] = "the amount is missing"
    else:
        values["amount"] = _money(cells["amount"], currency, "amount", errors)
        if values["amount"] is not None and Decimal(values["amount"]) == 0:
            errors["amount"] = "the amount must be more than zero"
    for field in ("tax", "tip", "fees"):
        values[field] = _zero(currency)
        if field in given:
            values[field] = _money(cells[field], currency, field, errors) or values[field]
    if "exchange_rate" in given:
        try:
            rate = Decimal(str(cells["exchange_rate"]).strip())
            if not rate.is_finite() or rate <= 0:
                raise InvalidOperation
            values["exchange_rate"] = str(rate)
        except InvalidOperation:
            errors["exchange_rate"] = f"{cells['exchange_rate']!r} is not a positive rate"
        # Our own export's record of a stored rate (its code in CSV/JSON, its label in XLSX).
        if str(cells.get("rate_source") or "").strip().lower() in {RateSource.STORED, RateSource.STORED.label.lower()}:
            values["rate_source"] = RateSource.STORED
    if "charged_amount" in given:  # dual-amount entry: what the card charged, in the card's currency
        charged_currency = str(cells.get("charged_currency") or "").strip().upper() or default_currency
        if not is_currency_code(charged_currency):
            errors["charged_currency"] = f"{charged_currency!r} is not a supported currency code"
        else:
            values["charged_currency"] = charged_currency
            values["charged_amount"] = _money(cells["charged_amount"], charged_currency, "charged_amount", errors)
    values["meal_type"] = _choice(cells.get("meal_type"), MEAL_TYPES, MEAL_SYNONYMS, "other", "meal_type", errors)
    values["order_type"] = _choice(
        cells.get("order_type"), ORDER_TYPES, ORDER_SYNONYMS, "dine_in", "order_type", errors
    )
    unknown_payment: dict[str, str] = {}
    values["payment_method"] = _choice(
        cells.get("payment_method"), PAYMENT_METHODS, PAYMENT_SYNONYMS, "", "payment_method", unknown_payment
    )
    if unknown_payment:
        warnings["payment_method"] = unknown_payment["payment_method"] + "; it is left blank"
    values["party_size"] = 1
    if "party_size" in given:
        try:
            values["party_size"] = int(Decimal(str(cells["party_size"]).strip()))
            if not 1 <= values["party_size"] <= 50:
                raise ValueError
        except (InvalidOperation, ValueError, OverflowError):  # OverflowError: "inf"
            errors["party_size"] = f"{cells['party_size']!r} is not a party size between 1 and 50"
    for field in ("notes", "business_purpose", "attendees", "category_name", *RESTAURANT_COLUMNS):
        values[field] = "" if field not in given else " ".join(str(cells[field]).split())
    if values["notes"] and "notes" in given:
        values["notes"] = str(cells["notes"]).strip()  # keep the user's line breaks in notes
    _fit_restaurant_columns(values, warnings)
    values["restaurant_country"] = _country(cells.get("restaurant_country"), warnings)
    values["tags"] = _tags(cells.get("tags"), warnings)
    values["is_business"] = _flag(cells.get("is_business"), "is_business", warnings)
    values["excluded"] = str(cells.get("exclusion") or "").strip().lower() not in FALSE
    if warnings:
        values["warnings"] = [f"{field}: {message}" for field, message in warnings.items()]
    return values, errors


@functools.cache
def _zero(currency: str) -> str:
    return str(quantize(Decimal(0), currency))


@functools.cache
def _restaurant_limits() -> dict[str, int]:
    return {field: Restaurant._meta.get_field(column).max_length for field, column in RESTAURANT_COLUMNS.items()}


def _fit_restaurant_columns(values: dict, warnings: dict) -> None:
    for field, limit in _restaurant_limits().items():
        if len(values[field]) > limit:
            warnings[field] = f"{values[field]!r} is longer than {limit} characters; it is cut to {limit}"
            values[field] = values[field][:limit].rstrip()


def _country(value, warnings: dict) -> str:
    """The ISO 3166 code of a country name or code; one we cannot place is reported, never dropped quietly."""
    if _blank(value):
        return ""
    code = country_code(str(value))
    if code is None:
        warnings["restaurant_country"] = (
            f"{str(value).strip()!r} is not a country we know (ISO 3166); the restaurant is saved without a country"
        )
        return ""
    return code


def _tags(value, warnings: dict) -> list[str]:
    """Tag names as the file writes them, comma, semicolon or bar separated; a name saved differently is reported."""
    names = [t.strip() for t in re.split(r"[,;|]", str(value or "")) if t.strip()]
    changed = []
    for name in names:
        saved = normalise_tag_name(name)
        if saved != name:
            changed.append(f"{name!r} is saved as {saved!r}" if saved else f"{name!r} has no letter or digit")
    if changed:
        warnings["tags"] = "; ".join(changed) + " (tags keep letters, digits and hyphens)"
    return names


def _flag(value, field: str, warnings: dict) -> bool:
    text = str(value if value is not None else "").strip().lower()
    if text not in TRUE | FALSE:
        warnings[field] = f"{value!r} is not yes or no; it is read as no"
    return text in TRUE


def _occurred_at(cells: dict, tz: zoneinfo.ZoneInfo | None, errors: dict) -> str | None:
    """When the meal was, as ISO 8601, from the row's cells that are not blank (`cells`). A time the file states in
    UTC (datetime_utc, time_utc) or with an offset keeps it; a local time is placed in the row's `timezone` when the
    row has one, else it stays without an offset and expense_create reads it in the owner's timezone. A bare date
    means 12:00 local, as in the original app."""
    if "datetime_utc" in cells:
        return _instant(cells, "datetime_utc", datetime.UTC, errors)
    if "occurred_at" in cells:
        return _instant(cells, "occurred_at", tz, errors)
    if "date" not in cells:
        errors["date"] = "the date is missing"
        return None
    try:
        day = parse_date(cells["date"])
    except ValueError as exc:
        errors["date"] = str(exc)
        return None
    if isinstance(day, datetime.datetime):
        if day.tzinfo is not None:
            return day.isoformat()
        day, at = day.date(), day.time()
    else:
        at = datetime.time(12, 0)
    try:
        if "time" in cells:
            at = parse_time(cells["time"])
        elif "time_utc" in cells:
            utc_time = parse_time(cells["time_utc"])
            return datetime.datetime.combine(day, utc_time, tzinfo=datetime.UTC).isoformat()
    except ValueError as exc:
        errors["time"] = str(exc)
        return None
    return datetime.datetime.combine(day, at, tzinfo=tz).isoformat()


def _instant(cells: dict, field: str, tz: datetime.tzinfo | None, errors: dict) -> str | None:
    """A date and time cell; without an offset it is in `tz` (None: left without one, for the owner's timezone)."""
    try:
        moment = parse_date(cells[field])
        if not isinstance(moment, datetime.datetime):
            raise ValueError(f"{cells[field]!r} has no time")
    except ValueError as exc:
        errors[field] = str(exc)
        return None
    if moment.tzinfo is None and tz is not None:
        moment = moment.replace(tzinfo=tz)
    return moment.isoformat()
