"""The merchant catalogue as a file (CSV or JSON) with each brand's links to restaurants, and back (admins only).

CSV: one line per merchant and linked restaurant (the merchant's columns repeated; a merchant with no restaurant
has one line with the restaurant columns empty). JSON: `{kind, schema_version, merchants: [{..., restaurants:
[...]}]}`. A linked restaurant is named by its owner's e-mail and its identity (place id, else name and address),
so the import finds it through the restaurant identity service; merchants are matched by name, case ignored.
The import is all or nothing and re-runnable: a second run changes nothing.
"""

import dataclasses
import json
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower

from accounts.models import User
from expenses.choices import MerchantFormat, ServiceLevel
from expenses.models import Merchant, Restaurant
from expenses.restaurant_selectors import restaurants_matching
from expenses.services.merchant_links import merchant_link_apply
from expenses.services.merchants import merchant_create, merchant_update
from mealtracker import bounded_json
from mealtracker.errors import DomainError, NotAllowed
from reports.services.exports import csv_stream, neutralise
from reports.services.importing import MAX_ROWS, normalise_header, read_rows

SCHEMA_VERSION = 1
MERCHANT_COLUMNS = (
    "name", "short_name", "website", "description", "favicon_url", "format_category", "cuisine", "service_level",
    "is_chain",
)  # fmt: skip
LINK_COLUMNS = ("owner", "name", "location_name", "address_line_1", "city", "postal_code", "country", "place_id")
CSV_HEADERS = [*MERCHANT_COLUMNS, *(f"restaurant_{column}" for column in LINK_COLUMNS)]
# The original app's merchant export names some columns differently.
ALIASES = {"category": "format_category", "merchant_name": "name", "chain": "is_chain", "url": "website"}
TRUE = {"true", "yes", "y", "1", "x"}


class MerchantImportFailed(DomainError):
    """Nothing was written: `errors` maps 'line N' (or 'merchant N' in JSON) to what went wrong."""

    code = "import_failed"

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(f"{len(errors)} merchant(s) could not be imported; nothing was written.", field="file")
        self.errors = errors


@dataclasses.dataclass
class MerchantImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    not_found: list[str] = dataclasses.field(default_factory=list)  # links whose restaurant is not there


# Export


def merchants_for_export() -> QuerySet[Merchant]:
    """Every merchant with its restaurants (and their owners), in two queries."""
    restaurants = Restaurant.objects.select_related("owner").order_by("owner__email", "name", "pk")
    return Merchant.objects.order_by(Lower("name"), "pk").prefetch_related(Prefetch("restaurants", restaurants))


def merchant_record(merchant: Merchant) -> dict:
    record = {column: getattr(merchant, column) for column in MERCHANT_COLUMNS}
    record["restaurants"] = [_link_record(restaurant) for restaurant in merchant.restaurants.all()]
    return record


def _link_record(restaurant: Restaurant) -> dict:
    return {
        column: restaurant.owner.email if column == "owner" else (getattr(restaurant, column) or "")
        for column in LINK_COLUMNS
    }


def merchants_json(merchants: Iterable[Merchant]) -> str:
    body = {"kind": "merchants", "schema_version": SCHEMA_VERSION, "merchants": list(map(merchant_record, merchants))}
    return json.dumps(body, ensure_ascii=False, indent=1)


def merchants_csv(merchants: Iterable[Merchant]) -> Iterator[str]:
    def rows():
        for merchant in merchants:
            record = merchant_record(merchant)
            own = [neutralise(_cell(record[column])) for column in MERCHANT_COLUMNS]
            for link in record["restaurants"] or [dict.fromkeys(LINK_COLUMNS, "")]:
                yield own + [neutralise(link[column]) for column in LINK_COLUMNS]

    return csv_stream(CSV_HEADERS, rows(), prepared=True)


def _cell(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value or "")


# Import


def _read(filename: str, payload: bytes) -> list[tuple[str, dict, list[dict]]]:
    """[(where, merchant fields, restaurant links)] from our CSV or JSON (or the original app's merchant export)."""
    name = (filename or "").lower()
    if name.endswith(".json") or payload.lstrip()[:1] in (b"[", b"{"):
        try:
            data = bounded_json.loads(payload.decode("utf-8-sig"))
        except (ValueError, bounded_json.TooDeeplyNested) as exc:
            raise DomainError("This is not a readable JSON merchant export.", field="file") from exc
        if isinstance(data, dict):
            data = data.get("merchants", data.get("data"))
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise DomainError("The JSON must be a list of merchants or an object with a 'merchants' list.", "file")
        if len(data) > MAX_ROWS:
            raise DomainError(f"A file can hold at most {MAX_ROWS:,} merchants; split it.", field="file")
        read = []
        for index, item in enumerate(data, start=1):
            links = item.get("restaurants") or []
            if not isinstance(links, list) or not all(isinstance(link, dict) for link in links):
                links = []
            read.append((f"merchant {index}", _fields(item), [_link(link) for link in links]))
        return read
    _, rows = read_rows(filename, payload)
    grouped: dict[str, tuple[str, dict, list[dict]]] = {}
    for line, raw in rows:
        cells: dict = {}
        for header, value in raw.items():
            key = ALIASES.get(normalise_header(header), normalise_header(header))
            if _text(value) or key not in cells:  # the original app's blank, deprecated format_category loses
                cells[key] = value
        fields = _fields(cells)
        key = str(fields.get("name", "")).lower() or f"line {line}"
        entry = grouped.setdefault(key, (f"line {line}", fields, []))
        link = _link({column: cells.get(f"restaurant_{column}") for column in LINK_COLUMNS})
        if link["owner"] and link["name"]:
            entry[2].append(link)
    return list(grouped.values())


def _text(value) -> str:
    text = "" if value is None else str(value).strip()
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r" else text


def _fields(cells: dict) -> dict:
    fields = {}
    for column in MERCHANT_COLUMNS:
        value = cells.get(ALIASES.get(column, column), cells.get(column))
        if column == "is_chain":
            fields[column] = value if isinstance(value, bool) else _text(value).lower() in TRUE
        else:
            fields[column] = _text(value)
    if fields["format_category"] not in MerchantFormat.values:
        fields["format_category"] = "other" if fields["format_category"] else ""
    if fields["service_level"] not in ServiceLevel.values:
        fields["service_level"] = ""
    return fields


def _link(cells: dict) -> dict:
    return {column: _text(cells.get(column)) for column in LINK_COLUMNS}


def merchants_import(
    *, actor: User, filename: str, payload: bytes, owners: dict[str, str] | None = None, dry_run: bool = False
) -> MerchantImportResult:
    """Create or update the file's merchants (by name) and link the restaurants it names, all or nothing.

    `owners` maps an e-mail in the file to another user's (restaurants moved to a new account). A link whose
    owner or restaurant is not here is reported in `not_found`, not refused."""
    if not actor.is_admin:
        raise NotAllowed("Only admins change the merchant catalogue.")
    entries = _read(filename, payload)
    owners = {key.lower(): value.lower() for key, value in (owners or {}).items()}
    result, errors = MerchantImportResult(), {}
    with transaction.atomic():
        existing = {m.name.lower(): m for m in Merchant.objects.select_for_update()}
        links: dict[int, int] = {}
        for where, fields, restaurant_links in entries:
            try:
                merchant = _upsert(actor, existing.get(fields["name"].lower()), fields, result)
            except DomainError as exc:
                errors[where] = [f"{exc.field}: {exc.message}" if exc.field else exc.message]
                continue
            existing[merchant.name.lower()] = merchant
            for restaurant, label in _restaurants(restaurant_links, owners):
                if restaurant is None:
                    result.not_found.append(f"{merchant.name}: {label}")
                elif restaurant.merchant_id != merchant.pk:
                    links[restaurant.pk] = merchant.pk
        if errors:
            transaction.set_rollback(True)
        else:
            result.linked = merchant_link_apply(actor=actor, links=links.items()) if links else 0
            if dry_run:
                transaction.set_rollback(True)
    if errors:
        raise MerchantImportFailed(errors)
    return result


def _upsert(actor: User, merchant: Merchant | None, fields: dict, result: MerchantImportResult) -> Merchant:
    if not fields["name"]:
        raise DomainError("A merchant needs a name.", field="name")
    if merchant is None:
        result.created += 1
        return merchant_create(actor=actor, **fields)
    if all(getattr(merchant, column) == value for column, value in fields.items()):
        result.unchanged += 1
        return merchant
    result.updated += 1
    return merchant_update(merchant=merchant, actor=actor, **fields)


def _restaurants(links: list[dict], owners: dict[str, str]) -> Iterator[tuple[Restaurant | None, str]]:
    """Each link's restaurant, found by its owner and the restaurant identity service (None when not found)."""
    by_owner: dict[str, list[dict]] = {}
    for link in links:
        by_owner.setdefault(owners.get(link["owner"].lower(), link["owner"].lower()), []).append(link)
    users = {user.email: user for user in User.objects.filter(email__in=list(by_owner))}
    for email, described in by_owner.items():
        user = users.get(email)
        found = restaurants_matching(user, described) if user else [None] * len(described)
        for link, restaurant in zip(described, found, strict=True):
            yield restaurant, f"{link['name']} ({email})"
