"""Per-user backup and restore: a versioned JSON of everything a user owns (never a password hash).

A backup holds the profile, categories, tags, restaurants, budgets, loyalty programmes (memberships and merchant
links; account numbers encrypted with the site's key), trips with their provided meals, favourites with their
schedules and occurrences (reports/services/backup_plans.py) and the expenses with their tags, bill items,
approval trail and receipts (metadata, OCR reading and storage keys: restore copies the files the storage still
holds). An expense's fields come from its one declaration (expenses/fields.py), so a field added there is backed
up and restored.

Restore writes through the services, as any other path does: the expenses through expenses_create_many, so their
reporting amounts (from the recorded rates) and meal-policy verdicts are worked out again, and the recorded
history (status, version, timestamps, approval trail) is kept as it was. docs/reports.md describes the format.
"""

import datetime
import json
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Team, User
from expenses.fields import EXPENSE_FIELDS as DECLARED_EXPENSE_FIELDS
from expenses.fields import Kind, Role
from expenses.loyalty.crypto import decrypt_text, encrypt_text
from expenses.loyalty.transfer import loyalty_export, loyalty_import
from expenses.models import ApprovalEvent, Category, ChangeSource, Expense, LineItem, Merchant, Restaurant, Tag
from expenses.services import (
    RestaurantDraftsRefused,
    category_create,
    category_delete,
    category_update,
    restaurants_resolve,
    tag_create,
)
from expenses.services.expenses import ExpenseDraftsRefused, expenses_create_many
from expenses.services.history import history_source
from expenses.services.receipts_restore import READING_FIELDS, RECEIPT_FIELDS, receipt_backup, receipt_restore
from expenses.services.splits import line_items_replace
from mealtracker.errors import Conflict, DomainError
from mealtracker.serialization import json_value
from reports.models import Budget
from reports.services.backup_plans import (
    meal_templates_backup,
    meal_templates_restore,
    occurrences_restore,
    trips_backup,
    trips_restore,
    typed,
)
from reports.services.budgets import budget_create

BACKUP_KIND = "mealtracker.user_backup"
# 2: loyalty programmes, receipts' storage keys and readings, every declared expense field. 1 restores as before.
# 3: attendees as a list of people (colleagues by e-mail, guests by name); 1 and 2 wrote them as free text.
# 4: trips with their provided meals, favourites with their schedules and occurrences, each expense's bill items;
# a version 1 to 3 backup restores with none of them.
BACKUP_SCHEMA_VERSION = 4
READABLE_SCHEMA_VERSIONS = {1, 2, 3, 4}
USER_FIELDS = ["email", "display_name", "role", "timezone", "default_currency", "is_active", "date_joined"]
CATEGORY_FIELDS = ["name", "description", "color", "icon", "is_default"]
TAG_FIELDS = ["name", "color", "description"]
RESTAURANT_FIELDS = [
    "name", "location_name", "located_within", "cuisine", "service_level", "price_level", "address_line_1",
    "address_line_2", "city", "region", "postal_code", "country", "phone", "website", "latitude", "longitude",
    "place_id", "rating", "notes",
]  # fmt: skip
BUDGET_FIELDS = ["name", "period", "amount", "currency"]
# A bill item's own fields (the expense it belongs to aside): what the user entered.
LINE_ITEM_FIELDS = [f.name for f in LineItem._meta.concrete_fields if not f.is_relation and not f.primary_key]

# An expense's own values, by their declared role; its relations are written as the backup's keys and names.
EXPENSE_RELATIONS = {"owner", "restaurant", "category", "tags", "attendees"}
if {f.name for f in DECLARED_EXPENSE_FIELDS if f.is_relation} != EXPENSE_RELATIONS:
    raise ImproperlyConfigured("The backup does not know how to write every relation of an expense.")
_VALUES = [f for f in DECLARED_EXPENSE_FIELDS if not f.is_relation and f.kind is not Kind.KEY]
EXPENSE_FIELDS = [f.name for f in _VALUES]
ENTERED_FIELDS = [f.name for f in _VALUES if f.role is Role.ENTERED]  # given to the services
RECORDED_FIELDS = [f.name for f in _VALUES if f.role is Role.RECORDED]  # history, kept as it was
# DERIVED fields (the reporting amount) are in the backup for reading it, and worked out again on restore.

DECIMAL_FIELDS = {"latitude", "longitude", "amount", "ocr_total", "ocr_tax", "ocr_tip", "subtotal"} | {
    f.name for f in _VALUES if f.kind in {Kind.MONEY, Kind.RATE}
}
DATETIME_FIELDS = {"created_at", "date_joined"} | {f.name for f in _VALUES if f.kind is Kind.MOMENT}
DATE_FIELDS = {"ocr_date"} | {f.name for f in _VALUES if f.kind is Kind.DATE}
TIME_FIELDS = {"time"}


def _pick(instance, fields) -> dict:
    return {field: json_value(getattr(instance, field)) for field in fields}


def _loyalty_backup(user: User) -> dict:
    """The loyalty export, with each account number encrypted by the site's key instead of written out."""
    document = loyalty_export(user, include_account_numbers=True)
    for program in document["programs"]:
        membership = program["membership"]
        if membership is not None:
            number = membership.pop("account_number", "")
            membership["account_number_encrypted"] = encrypt_text(number) if number else ""
    return document


def _receipt_item(receipt) -> dict:
    item = receipt_backup(receipt)
    reading = item["reading"]
    return {
        **{key: json_value(value) for key, value in item.items() if key != "reading"},
        "reading": {key: json_value(value) for key, value in reading.items()} if reading is not None else None,
    }


def user_data_chunks(user: User) -> Iterator[str]:
    """The backup as JSON text pieces, expenses streamed in chunks (the download and the command use it)."""
    head = {
        "kind": BACKUP_KIND,
        "schema_version": BACKUP_SCHEMA_VERSION,
        "exported_at": timezone.now().isoformat(),
        "reporting_currency": settings.REPORTING_CURRENCY,
        "user": {**_pick(user, USER_FIELDS), "team": user.team.name if user.team_id else None},
        "categories": [_pick(c, CATEGORY_FIELDS) for c in Category.objects.filter(owner=user).order_by("id")],
        "tags": [_pick(t, TAG_FIELDS) for t in Tag.objects.filter(owner=user).order_by("id")],
        "restaurants": [
            {"key": r.pk, **_pick(r, RESTAURANT_FIELDS), "merchant": r.merchant.name if r.merchant_id else None}
            for r in Restaurant.objects.filter(owner=user).select_related("merchant").order_by("id")
        ],
        "budgets": [
            {**_pick(b, BUDGET_FIELDS), "category": b.category.name if b.category_id else None}
            for b in Budget.objects.filter(user=user).select_related("category").order_by("id")
        ],
        "loyalty": _loyalty_backup(user),
        "trips": trips_backup(user),
        "meal_templates": meal_templates_backup(user),
    }
    yield json.dumps(head, indent=1)[:-2] + ',\n "expenses": ['
    expenses = (
        Expense.objects.filter(owner=user)
        .select_related("category")
        .prefetch_related(
            "tags",
            "attendees__user",
            "line_items",
            "receipts__uploaded_by",
            "receipts__reading",
            "approval_events__actor",
        )
        .order_by("id")
    )
    for index, expense in enumerate(expenses.iterator(chunk_size=1000)):
        item = {
            "key": expense.pk,
            **_pick(expense, EXPENSE_FIELDS),
            "restaurant": expense.restaurant_id,
            "category": expense.category.name if expense.category_id else None,
            "tags": [tag.name for tag in expense.tags.all()],
            "attendees": [
                {"name": a.name, "email": a.user.email if a.user_id else None, "company": a.company,
                 "relationship": a.relationship}
                for a in expense.attendees.all()
            ],
            "line_items": [_pick(line, LINE_ITEM_FIELDS) for line in expense.line_items.all()],
            "receipts": [_receipt_item(receipt) for receipt in expense.receipts.all()],
            "approval_events": [
                {"actor": e.actor.email if e.actor_id else None, "from_status": e.from_status,
                 "to_status": e.to_status, "comment": e.comment, "created_at": json_value(e.created_at)}
                for e in expense.approval_events.all()
            ],
        }  # fmt: skip
        yield ("," if index else "") + "\n  " + json.dumps(item)
    yield "\n ]\n}\n"


def user_data_export(user: User) -> str:
    return "".join(user_data_chunks(user))


def _typed(data: dict, fields) -> dict:
    values = {}
    for field in fields:
        if field not in data:
            continue
        value = data[field]
        if value is not None and field in DECIMAL_FIELDS:
            value = Decimal(value)
        elif value is not None and field in DATETIME_FIELDS:
            value = datetime.datetime.fromisoformat(value)
        elif value is not None and field in DATE_FIELDS:
            value = datetime.date.fromisoformat(value)
        elif value is not None and field in TIME_FIELDS:
            value = datetime.time.fromisoformat(value)
        values[field] = value
    return values


@transaction.atomic
def user_data_import(data: dict) -> User:
    """Recreate a user and everything they own from a backup; the e-mail address must be free."""
    if data.get("kind") != BACKUP_KIND:
        raise DomainError("This is not a Meal Expense Tracker user backup.", field="file")
    if data.get("schema_version") not in READABLE_SCHEMA_VERSIONS:
        raise DomainError(f"Backup schema version {data.get('schema_version')} is not supported.", field="file")
    if data.get("reporting_currency") != settings.REPORTING_CURRENCY:
        raise DomainError(
            f"The backup's amounts are in {data.get('reporting_currency')}, this site reports in "
            f"{settings.REPORTING_CURRENCY}.",
            field="file",
        )
    profile = data["user"]
    if User.objects.filter(email__iexact=profile["email"]).exists():
        raise Conflict(f"{profile['email']} already has an account here.", field="email")
    team = Team.objects.get_or_create(name=profile["team"])[0] if profile.get("team") else None
    user = User.objects.create_user(password=None, team=team, **_typed(profile, USER_FIELDS))  # no usable password
    categories = _restore_categories(user, data.get("categories"))
    tags = {}
    for item in data.get("tags", []):
        tag = tag_create(owner=user, **_typed(item, ["name", "color", "description"]))
        tags[tag.name.lower()] = tag
    restaurants = _restore_restaurants(user, data.get("restaurants", []))
    for item in data.get("budgets", []):
        category = categories.get((item.get("category") or "").lower())
        budget_create(actor=user, category=category, **_typed(item, BUDGET_FIELDS))
    if data.get("loyalty"):
        _restore_loyalty(user, data["loyalty"])
    trips_restore(user, data.get("trips", []))
    template_items = data.get("meal_templates", [])
    templates = meal_templates_restore(user, template_items, restaurants, categories)
    expenses = _restore_expenses(user, data.get("expenses", []), restaurants, categories, tags)
    occurrences_restore(user, templates, template_items, expenses)
    return user


def _restore_loyalty(user: User, document: dict) -> None:
    """The programmes, memberships and merchant links, through the loyalty import."""
    programs = []
    for program in document.get("programs", []):
        membership = dict(program.get("membership") or {})
        token = membership.pop("account_number_encrypted", "")
        if token:
            try:
                membership["account_number"] = decrypt_text(token)
            except ValueError as exc:
                raise DomainError(
                    f"The loyalty account number of {program.get('name')!r} was encrypted with another site's key; "
                    "add that key to FIELD_ENCRYPTION_KEY to restore it.",
                    field="file",
                ) from exc
        programs.append({**program, "membership": membership or None})
    loyalty_import(user, document={**document, "programs": programs})


def _restore_restaurants(user: User, items: list[dict]) -> dict:
    """Backup key -> restaurant, through restaurants_resolve: the one identity rule, inserted in bulk, each linked
    to the merchant the backup names, else (none named, or not in this catalogue) to the one the catalogue matches."""
    names = {(item.get("merchant") or "").lower() for item in items} - {""}
    merchants = {m.key: m for m in Merchant.objects.annotate(key=Lower("name")).filter(key__in=names)}
    drafts = [
        {**_typed(item, RESTAURANT_FIELDS), "merchant": merchants.get((item.get("merchant") or "").lower())}
        for item in items
    ]
    try:
        restored = restaurants_resolve(owner=user, drafts=drafts)
    except RestaurantDraftsRefused as exc:
        index, error = next(iter(exc.refused.items()))
        name = items[index].get("name")
        raise DomainError(f"The backup's restaurant {name!r} is refused: {error.message}", field="file") from exc
    return {item["key"]: restaurant for item, restaurant in zip(items, restored, strict=True)}


def _restore_categories(user: User, items: list[dict] | None) -> dict:
    """Name (lower case) -> category. The new user's default categories take the backed-up fields of the same
    name; the defaults the user had deleted go again."""
    categories = {c.name.lower(): c for c in Category.objects.filter(owner=user)}
    if items is None:
        return categories
    kept = set()
    for item in items:
        values = _typed(item, ["name", "color", "icon", "description"])
        key = item["name"].lower()
        if key in categories:
            category_update(category=categories[key], **values)
        else:
            categories[key] = category_create(owner=user, **values)
        kept.add(key)
    for key in set(categories) - kept:
        category_delete(category=categories.pop(key))
    return categories


def _restore_expenses(
    user: User, items: list[dict], restaurants: dict, categories: dict, tags: dict
) -> dict[int, Expense]:
    """The expenses through expenses_create_many (the rules, the conversion at the recorded rate, the policy
    verdicts) and their bill items through line_items_replace, then their recorded history: status, version,
    timestamps, approval trail and receipts. Returns backup key -> restored expense."""
    drafts = []
    for item in items:
        draft = _typed(item, ENTERED_FIELDS)
        draft["restaurant"] = restaurants.get(item.get("restaurant"))
        draft["category"] = categories.get((item.get("category") or "").lower())
        draft["tags"] = [tags[name.lower()] for name in item.get("tags", []) if name.lower() in tags]
        # Colleagues by e-mail among the restored owner's team here (else kept as guests of that name); versions
        # 1 and 2 wrote the attendees as free text, read as guest names.
        draft["attendees"] = item.get("attendees") or None
        drafts.append(draft)
    try:
        expenses = expenses_create_many(owner=user, drafts=drafts, actor=user, source=ChangeSource.RESTORE)
    except ExpenseDraftsRefused as exc:
        index, error = next(iter(exc.refused.items()))
        when = items[index].get("occurred_at")
        raise DomainError(
            f"The backup's expense of {when} is refused: {error.message}", field=error.field or "file"
        ) from exc
    _restore_line_items(user, expenses, items)
    for expense, item in zip(expenses, items, strict=True):
        for name, value in _typed(item, RECORDED_FIELDS).items():
            setattr(expense, name, value)
    Expense.objects.bulk_update(expenses, RECORDED_FIELDS, batch_size=1000)  # no auto_now: the values as recorded
    emails = {event.get("actor") for item in items for event in item.get("approval_events", [])}
    emails |= {receipt.get("uploaded_by") for item in items for receipt in item.get("receipts", [])}
    people = {u.email: u for u in User.objects.filter(email__in=emails - {None}).only("id", "email")}
    _restore_approval_trail(expenses, items, people)
    for expense, item in zip(expenses, items, strict=True):
        for receipt in item.get("receipts", []):
            receipt_restore(
                expense=expense,
                uploaded_by=people.get(receipt.get("uploaded_by") or "", user),
                file_name=receipt.get("file") or "",
                thumbnail_name=receipt.get("thumbnail") or "",
                values=_typed(receipt, RECEIPT_FIELDS),
                reading=_typed(receipt["reading"], READING_FIELDS) if receipt.get("reading") else None,
            )
    return {item["key"]: expense for expense, item in zip(expenses, items, strict=True) if "key" in item}


def _restore_line_items(user: User, expenses: list[Expense], items: list[dict]) -> None:
    """Each bill's items through line_items_replace (its rules; positions in the backup's order), before the
    recorded version and times go back."""
    with history_source(ChangeSource.RESTORE):
        for expense, item in zip(expenses, items, strict=True):
            lines = sorted(item.get("line_items") or [], key=lambda line: line.get("position", 0))
            if not lines:
                continue
            try:
                line_items_replace(
                    expense=expense, actor=user, items=[typed(LineItem, line, LINE_ITEM_FIELDS) for line in lines]
                )
            except DomainError as exc:
                raise DomainError(
                    f"The bill items of the backup's expense of {item.get('occurred_at')} are refused: {exc.message}",
                    field="file",
                ) from exc


def _restore_approval_trail(expenses: list[Expense], items: list[dict], people: dict) -> None:
    # The trail is the record of decisions already taken: written as it was, with its own times.
    events, times = [], []
    for expense, item in zip(expenses, items, strict=True):
        for event in item.get("approval_events", []):
            events.append(
                ApprovalEvent(
                    expense=expense, actor=people.get(event.get("actor") or ""), from_status=event["from_status"],
                    to_status=event["to_status"], comment=event.get("comment", ""),
                )
            )  # fmt: skip
            times.append(datetime.datetime.fromisoformat(event["created_at"]))
    ApprovalEvent.objects.bulk_create(events, batch_size=1000)
    for event, moment in zip(events, times, strict=True):
        event.created_at = moment  # auto_now_add set it on insert; bulk_update writes the recorded time
    ApprovalEvent.objects.bulk_update(events, ["created_at"], batch_size=1000)
