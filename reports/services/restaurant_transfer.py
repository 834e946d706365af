"""Restaurant files: our export (CSV or JSON) and reading ours or the original app's back into restaurant fields.

One column declaration (RESTAURANT_COLUMNS) drives the export, the header aliases of the import and the checks;
nothing here writes to the database (the review and apply steps are in services/restaurant_imports.py).
"""

import dataclasses
import json
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import QuerySet

from accounts.models import User
from expenses.choices import ServiceLevel
from expenses.models import Restaurant
from expenses.selectors import restaurants_owned_by
from mealtracker import bounded_json
from mealtracker.countries import country_code
from mealtracker.errors import DomainError
from reports.services.exports import csv_stream, neutralise
from reports.services.importing import MAX_ROWS, normalise_header, read_rows

SCHEMA_VERSION = 1
COORDINATE = Decimal("0.000001")


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of the restaurant file: its header, the restaurant field it fills, its kind and other names."""

    name: str
    kind: str = "text"  # text | coordinate | price_level | rating | service_level | country | merchant
    aliases: tuple[str, ...] = ()

    @property
    def field(self) -> str:
        return self.name


# Ours first; the aliases are the original app's restaurant export (state, google_place_id) and common spellings.
RESTAURANT_COLUMNS = (
    Column("name", aliases=("restaurant_name", "restaurant")),
    Column("location_name", aliases=("branch", "location")),
    Column("located_within"),
    Column("address_line_1", aliases=("address", "street", "address1", "restaurant_address")),
    Column("address_line_2", aliases=("address2",)),
    Column("city", aliases=("restaurant_city", "town")),
    Column("region", aliases=("state", "province", "restaurant_state")),
    Column("postal_code", aliases=("zip", "zip_code", "postcode", "restaurant_postal_code")),
    Column("country", "country", ("restaurant_country", "country_code")),
    Column("latitude", "coordinate", ("lat",)),
    Column("longitude", "coordinate", ("lng", "lon", "long")),
    Column("cuisine"),
    Column("service_level", "service_level"),
    Column("price_level", "price_level"),
    Column("rating", "rating"),
    Column("phone", aliases=("phone_number", "telephone")),
    Column("website", aliases=("url", "web")),
    Column("place_id", aliases=("google_place_id", "restaurant_google_place_id")),
    Column("notes", aliases=("note",)),
    Column("merchant", "merchant", ("merchant_name", "brand")),
)
HEADERS = [column.name for column in RESTAURANT_COLUMNS]
_BY_HEADER = {alias: column for column in RESTAURANT_COLUMNS for alias in (column.name, *column.aliases)}
SERVICE_LEVELS = {code: code for code in ServiceLevel.values} | {
    str(label).lower(): code for code, label in ServiceLevel.choices
}
PRICE_SIGNS = {"free": 0, "$": 1, "$$": 2, "$$$": 3, "$$$$": 4}


# Export


def restaurants_for_export(user: User) -> QuerySet[Restaurant]:
    """The user's own restaurants with their merchant, in a stable order."""
    return restaurants_owned_by(user).select_related("merchant").order_by("name", "pk")


def restaurant_record(restaurant: Restaurant) -> dict:
    """One restaurant as the export's values: text as stored, coordinates as decimal strings, the merchant's name."""
    record = {}
    for column in RESTAURANT_COLUMNS:
        if column.kind == "merchant":
            record[column.name] = restaurant.merchant.name if restaurant.merchant_id else ""
            continue
        value = getattr(restaurant, column.field)
        if column.kind == "coordinate":
            value = None if value is None else str(value)
        elif column.name == "place_id":
            value = value or ""
        record[column.name] = value
    return record


def restaurants_csv(restaurants: Iterable[Restaurant]) -> Iterator[str]:
    rows = ([neutralise("" if v is None else v) for v in restaurant_record(r).values()] for r in restaurants)
    return csv_stream(HEADERS, rows, prepared=True)


def restaurants_json(restaurants: Iterable[Restaurant]) -> str:
    body = {
        "kind": "restaurants",
        "schema_version": SCHEMA_VERSION,
        "restaurants": [restaurant_record(r) for r in restaurants],
    }
    return json.dumps(body, ensure_ascii=False, indent=1)


# Import


def read_restaurant_rows(filename: str, payload: bytes) -> tuple[str, list[tuple[int, dict]]]:
    """(format, [(line, {header: cell})]) of a CSV, XLSX or JSON restaurant file; JSON is a list or an object
    with a `restaurants` (or `data`) list, as we and the original app export it."""
    name = (filename or "").lower()
    if name.endswith(".json") or payload.lstrip()[:1] in (b"[", b"{"):
        return "json", _json_rows(payload)
    return read_rows(filename, payload)


def _json_rows(payload: bytes) -> list[tuple[int, dict]]:
    try:
        data = bounded_json.loads(payload.decode("utf-8-sig"))
    except bounded_json.TooDeeplyNested as exc:
        raise DomainError(f"This is not a restaurant export: {exc}", field="file") from exc
    except ValueError as exc:
        raise DomainError("This is not a readable JSON file.", field="file") from exc
    if isinstance(data, dict):
        data = data.get("restaurants", data.get("data"))
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise DomainError("The JSON must be a list of restaurants or an object with a 'restaurants' list.", "file")
    if len(data) > MAX_ROWS:
        raise DomainError(f"A file can hold at most {MAX_ROWS:,} rows; split it.", field="file")
    return list(enumerate(data, start=1))


def _cells(raw: dict) -> dict:
    """The row's cells by our column name; the first header that means a column wins."""
    cells = {}
    for header, cell in raw.items():
        column = _BY_HEADER.get(normalise_header(header))
        if column and column.name not in cells:
            if isinstance(cell, str) and len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r":
                cell = cell[1:]  # our CSV export's protection against spreadsheet formulas
            cells[column.name] = cell
    return cells


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _number(value) -> Decimal | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def restaurant_row_values(raw: dict) -> tuple[dict, dict, dict]:
    """(restaurant_create's fields as JSON-safe values, errors by field, warnings by field) for one file row."""
    cells = _cells(raw)
    values: dict = {}
    errors: dict = {}
    warnings: dict = {}
    for column in RESTAURANT_COLUMNS:
        cell = cells.get(column.name)
        text = _text(cell)
        if column.kind == "text":
            limit = Restaurant._meta.get_field(column.field).max_length
            if limit and len(text) > limit:
                warnings[column.name] = f"longer than {limit} characters; cut to {limit}"
                text = text[:limit].rstrip()
            values[column.field] = text
        elif column.kind == "coordinate":
            number = _number(cell)
            bound = 90 if column.name == "latitude" else 180
            if text and (number is None or abs(number) > bound):
                errors[column.name] = f"{text!r} is not a {column.name} between -{bound} and {bound}"
            values[column.field] = None if number is None else str(number.quantize(COORDINATE, ROUND_HALF_UP))
        elif column.kind == "price_level":
            number = PRICE_SIGNS.get(text.lower()) if text.lower() in PRICE_SIGNS else _number(cell)
            if text and (number is None or number != int(number) or not 0 <= number <= 4):
                errors[column.name] = f"{text!r} is not a price level from 0 to 4"
                number = None
            values[column.field] = None if number is None else int(number)
        elif column.kind == "rating":
            number = _number(cell)
            if text and (number is None or not 1 <= number <= 5):
                errors[column.name] = f"{text!r} is not a rating from 1 to 5"
                number = None
            rounded = None if number is None else int(number.quantize(Decimal(1), ROUND_HALF_UP))
            if number is not None and rounded != number:
                warnings[column.name] = f"{text} is rounded to {rounded} (ratings are whole stars)"
            values[column.field] = rounded
        elif column.kind == "service_level":
            code = SERVICE_LEVELS.get(text.lower()) or SERVICE_LEVELS.get(
                text.lower().replace("-", "_").replace(" ", "_")
            )
            if text and code is None:
                warnings[column.name] = f"{text!r} is not a service level we know; left blank"
            values[column.field] = code or ""
        elif column.kind == "country":
            code = country_code(text) if text else ""
            if code is None:
                warnings[column.name] = f"{text!r} is not a country we know (ISO 3166); left blank"
            values[column.field] = code or ""
        elif column.kind == "merchant":
            values["merchant_name"] = text
    values["place_id"] = values["place_id"] or None
    if not values["name"]:
        errors["name"] = "a restaurant needs a name"
    return values, errors, warnings
