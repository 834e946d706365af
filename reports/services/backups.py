"""Per-user backup and restore: a versioned JSON of everything a user owns (never a password hash).

Restore writes the stored values as they are (amounts, rates, reporting amounts, statuses), so reports on
the restored data match the original to the cent. Receipt files are not in the backup, only their metadata.
"""

import datetime
import json
from collections.abc import Iterator
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Team, User
from expenses.models import ApprovalEvent, Category, Expense, ExpenseTag, Merchant, Restaurant, Tag
from expenses.services import RestaurantDraftsRefused, restaurants_resolve
from mealtracker.errors import Conflict, DomainError
from mealtracker.serialization import json_value
from reports.models import Budget

BACKUP_KIND = "mealtracker.user_backup"
BACKUP_SCHEMA_VERSION = 1
USER_FIELDS = ["email", "display_name", "role", "timezone", "default_currency", "is_active", "date_joined"]
CATEGORY_FIELDS = ["name", "description", "color", "icon", "is_default"]
TAG_FIELDS = ["name", "color", "description"]
RESTAURANT_FIELDS = [
    "name", "location_name", "located_within", "cuisine", "service_level", "price_level", "address_line_1",
    "address_line_2", "city", "region", "postal_code", "country", "phone", "website", "latitude", "longitude",
    "place_id", "rating", "notes",
]  # fmt: skip
EXPENSE_FIELDS = [
    "occurred_at", "cleared_on", "meal_type", "order_type", "party_size", "amount", "tax", "tip", "currency",
    "reporting_amount", "exchange_rate", "payment_method", "notes", "is_business", "business_purpose", "attendees",
    "status", "version", "created_at",
]  # fmt: skip
RECEIPT_FIELDS = ["original_name", "content_type", "size", "sha256", "ocr_total", "ocr_tax", "ocr_tip", "ocr_date",
                  "ocr_merchant_name", "ocr_confidence", "ocr_raw_text", "created_at"]  # fmt: skip
BUDGET_FIELDS = ["name", "period", "amount", "currency"]
DECIMAL_FIELDS = {"amount", "tax", "tip", "reporting_amount", "exchange_rate", "latitude", "longitude"}
DATETIME_FIELDS = {"occurred_at", "created_at", "date_joined"}
DATE_FIELDS = {"cleared_on"}


def _pick(instance, fields) -> dict:
    return {field: json_value(getattr(instance, field)) for field in fields}


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
    }
    yield json.dumps(head, indent=1)[:-2] + ',\n "expenses": ['
    expenses = (
        Expense.objects.filter(owner=user)
        .select_related("category")
        .prefetch_related("tags", "receipts", "approval_events__actor")
        .order_by("id")
    )
    for index, expense in enumerate(expenses.iterator(chunk_size=1000)):
        item = {
            "key": expense.pk,
            **_pick(expense, EXPENSE_FIELDS),
            "restaurant": expense.restaurant_id,
            "category": expense.category.name if expense.category_id else None,
            "tags": [tag.name for tag in expense.tags.all()],
            "receipts": [_pick(receipt, RECEIPT_FIELDS) for receipt in expense.receipts.all()],
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
        values[field] = value
    return values


@transaction.atomic
def user_data_import(data: dict) -> User:
    """Recreate a user and everything they own from a backup; the e-mail address must be free."""
    if data.get("kind") != BACKUP_KIND:
        raise DomainError("This is not a Meal Expense Tracker user backup.", field="file")
    if data.get("schema_version") != BACKUP_SCHEMA_VERSION:
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
    categories = _restore_categories(user, data.get("categories", []))
    tags = {}
    for item in data.get("tags", []):
        tags[item["name"].lower()] = Tag.objects.create(owner=user, **_typed(item, TAG_FIELDS))
    restaurants = _restore_restaurants(user, data.get("restaurants", []))
    for item in data.get("budgets", []):
        category = categories.get((item.get("category") or "").lower())
        Budget.objects.create(user=user, category=category, created_by=user, **_typed(item, BUDGET_FIELDS))
    _restore_expenses(user, data.get("expenses", []), restaurants, categories, tags)
    return user


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


def _restore_categories(user: User, items: list[dict]) -> dict:
    # The new user already has the default categories; a backed-up one with the same name replaces its fields.
    categories = {c.name.lower(): c for c in Category.objects.filter(owner=user)}
    for item in items:
        values = _typed(item, CATEGORY_FIELDS)
        existing = categories.get(item["name"].lower())
        if existing:
            for field, value in values.items():
                setattr(existing, field, value)
            existing.save()
        else:
            categories[item["name"].lower()] = Category.objects.create(owner=user, **values)
    return categories


def _restore_expenses(user: User, items: list[dict], restaurants: dict, categories: dict, tags: dict) -> None:
    actors = {u.email: u for u in User.objects.all().only("id", "email")}
    created_at = {}
    for item in items:
        expense = Expense(
            owner=user,
            restaurant=restaurants.get(item.get("restaurant")),
            category=categories.get((item.get("category") or "").lower()),
            **_typed(item, EXPENSE_FIELDS),
        )
        expense.save()  # written as stored: the reporting amount and rate are not recomputed
        created_at[expense.pk] = _typed(item, ["created_at"]).get("created_at")
        ExpenseTag.objects.bulk_create(
            [ExpenseTag(expense=expense, tag=tags[name.lower()], added_by=user) for name in item.get("tags", [])
             if name.lower() in tags]
        )  # fmt: skip
        for event in item.get("approval_events", []):
            saved = ApprovalEvent.objects.create(
                expense=expense, actor=actors.get(event.get("actor") or ""), from_status=event["from_status"],
                to_status=event["to_status"], comment=event.get("comment", ""),
            )  # fmt: skip
            ApprovalEvent.objects.filter(pk=saved.pk).update(
                created_at=datetime.datetime.fromisoformat(event["created_at"])
            )
    for pk, moment in created_at.items():
        if moment:  # auto_now_add ignores the value given on save; keep the original creation time
            Expense.objects.filter(pk=pk).update(created_at=moment)
