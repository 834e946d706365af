"""Restaurants: every path that creates or changes one (web, API, admin, import, restore, demo, Google places)
comes here, so each obeys the one identity rule (expenses/restaurant_selectors.py) and a new restaurant is
linked to its catalogue merchant (brand) the same way everywhere."""

import dataclasses
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from expenses.merchant_selectors import merchant_matches
from expenses.models import Expense, Restaurant, RestaurantAlias
from expenses.restaurant_selectors import (
    ADDRESS_FIELDS,
    description_key,
    restaurant_identity,
    restaurants_by_identity,
    squash,
)
from expenses.services.catalog import save_unique
from expenses.services.history import expenses_update_recorded
from expenses.services.merchant_links import merchant_facts_apply
from expenses.services.validation import full_clean_or_raise, validation_error_to_domain
from mealtracker.errors import Conflict, DomainError

RESTAURANT_FIELDS = {
    "name", "location_name", "located_within", "cuisine", "service_level", "price_level", "address_line_1",
    "address_line_2", "city", "region", "postal_code", "country", "phone", "website", "latitude",
    "longitude", "place_id", "rating", "notes", "merchant",
}  # fmt: skip
SQUASHED_FIELDS = {"name", "location_name", "located_within", "address_line_1", "address_line_2", "city", "region",
                   "postal_code"}  # fmt: skip
BULK_BATCH_SIZE = 1000


class RestaurantDraftsRefused(DomainError):
    """restaurants_resolve wrote nothing: `refused` maps each refused draft's index to its error."""

    def __init__(self, refused: dict[int, DomainError]):
        super().__init__(f"{len(refused)} restaurant(s) were refused; nothing was written.")
        self.refused = refused


def _apply_fields(restaurant: Restaurant, fields: Mapping) -> None:
    unknown = set(fields) - RESTAURANT_FIELDS
    if unknown:
        raise DomainError(f"Unknown field {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    for name, value in fields.items():
        if name in SQUASHED_FIELDS:
            value = squash(value)
        elif name == "country":
            value = (value or "").strip().upper()
        elif name == "place_id":
            value = (value or "").strip() or None
        setattr(restaurant, name, value)


def _duplicate(restaurant: Restaurant, existing: Restaurant) -> Conflict:
    """The refusal for a restaurant that repeats `existing`'s identity, on the field that makes it the same."""
    if restaurant.place_id:
        return Conflict(f"You already saved this place as {existing.display_name}.", field="place_id", code="duplicate")
    where = ", ".join(part for part in (getattr(existing, field) for field in ADDRESS_FIELDS) if part)
    message = (
        f"You already have {existing.name} at {where}; a second branch needs its own address or place."
        if where
        else f"You already have {existing.name} with no address; add this one's address to tell them apart."
    )
    return Conflict(message, field="name", code="duplicate")


def _check_identity(restaurant: Restaurant) -> None:
    existing = restaurants_by_identity(restaurant.owner_id, [restaurant]).get(restaurant_identity(restaurant))
    if existing is not None and existing.pk != restaurant.pk:
        if restaurant_identity(existing) != restaurant_identity(restaurant):  # found by an alias a merge left
            field = "place_id" if restaurant.place_id else "name"
            message = f"{restaurant.name} was merged into {existing.display_name}; use that one."
            raise Conflict(message, field=field, code="duplicate")
        raise _duplicate(restaurant, existing)


def _link_merchants(restaurants: list[Restaurant]) -> None:
    """Link each restaurant without a merchant to its catalogue brand (website host, then name), in a few queries."""
    unlinked = [restaurant for restaurant in restaurants if restaurant.merchant_id is None]
    matches = merchant_matches(unlinked) if unlinked else {}
    for restaurant in restaurants:
        merchant = restaurant.merchant if restaurant.merchant_id else matches.get(id(restaurant), (None,))[0]
        if merchant is not None:
            merchant_facts_apply(restaurant, merchant)


def _save(restaurant: Restaurant) -> Restaurant:
    return save_unique(restaurant, "You already have this restaurant (same place, or same name and address).", "name")


def restaurant_check(*, owner: User, restaurant: Restaurant | None = None, **fields) -> None:
    """What restaurant_create (or restaurant_update of `restaurant`) would refuse, without writing anything."""
    candidate = Restaurant(owner=owner)
    if restaurant is not None:
        candidate = Restaurant(**{f.attname: getattr(restaurant, f.attname) for f in Restaurant._meta.concrete_fields})
        candidate._state.adding = False  # a stored row: its own id is not a duplicate
    _apply_fields(candidate, fields)
    full_clean_or_raise(candidate, exclude=["owner"])
    _check_identity(candidate)


@transaction.atomic
def restaurant_create(*, owner: User, **fields) -> Restaurant:
    """A restaurant for this user, linked to its merchant when none is given; the same place id, or the same name
    and address, twice is refused (a 409 naming the field)."""
    restaurant = Restaurant(owner=owner)
    _apply_fields(restaurant, fields)
    full_clean_or_raise(restaurant, exclude=["owner"])
    _check_identity(restaurant)
    _link_merchants([restaurant])
    return _save(restaurant)


@transaction.atomic
def restaurant_update(*, restaurant: Restaurant, **fields) -> Restaurant:
    _apply_fields(restaurant, fields)
    full_clean_or_raise(restaurant, exclude=["owner"])
    _check_identity(restaurant)
    return _save(restaurant)


@transaction.atomic
def restaurant_delete(*, restaurant: Restaurant) -> int:
    """Delete a restaurant; its expenses stay, without a restaurant. Returns how many were kept."""
    kept = Expense.objects.filter(restaurant=restaurant).count()
    restaurant.delete()  # the foreign key is SET NULL, so no expense goes with it
    return kept


def _draft_restaurant(owner: User, draft: Mapping) -> Restaurant:
    """restaurant_create's validation without its per-restaurant queries: the merchant comes from the catalogue
    (matched or named by the caller) and identity is checked for the whole batch."""
    restaurant = Restaurant(owner=owner)
    _apply_fields(restaurant, draft)
    try:
        restaurant.full_clean(exclude=["owner", "merchant"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise validation_error_to_domain(exc) from exc
    return restaurant


def restaurant_drafts_refused(*, owner: User, drafts: list[Mapping]) -> dict[int, DomainError]:
    """What restaurants_resolve would refuse among these drafts (index -> error), without a query or a write."""
    refused = {}
    for index, draft in enumerate(drafts):
        try:
            _draft_restaurant(owner, draft)
        except DomainError as exc:
            refused[index] = exc
    return refused


@transaction.atomic
def restaurants_resolve(*, owner: User, drafts: list[Mapping]) -> list[Restaurant]:
    """For each draft (restaurant_create's fields), the owner's restaurant with its identity, created when new.

    New restaurants are validated like restaurant_create's, linked to their merchants and inserted in bulk;
    drafts with one identity share one restaurant (the first draft's fields). The queries do not grow with the
    drafts. Refused drafts raise RestaurantDraftsRefused (by index) and nothing is written."""
    refused: dict[int, DomainError] = {}
    # Drafts repeating an earlier one (an import names its restaurants on every row) are checked once: the same
    # fields make the same restaurant, the same refusal and the same identity.
    outcomes: dict = {}
    identities: list = []
    prepared: list[Restaurant] = []
    for index, draft in enumerate(drafts):
        key = description_key(draft)
        if key is None or key not in outcomes:
            try:
                restaurant = _draft_restaurant(owner, draft)
                outcome = (restaurant_identity(restaurant), None)
                prepared.append(restaurant)
            except DomainError as exc:
                outcome = (None, exc)
            if key is not None:
                outcomes[key] = outcome
        else:
            outcome = outcomes[key]
        identities.append(outcome[0])
        if outcome[1] is not None:
            refused[index] = outcome[1]
    if refused:
        raise RestaurantDraftsRefused(refused)
    held = restaurants_by_identity(owner, prepared)
    new: dict = {}
    for restaurant in prepared:
        key = restaurant_identity(restaurant)
        if key not in held and key not in new:
            new[key] = restaurant
    _link_merchants(list(new.values()))
    try:
        with transaction.atomic():
            Restaurant.objects.bulk_create(list(new.values()), batch_size=BULK_BATCH_SIZE)
    except IntegrityError as exc:  # a concurrent writer, or a case rule the database applies and Python does not
        raise Conflict("Some of these restaurants were just added; try again.", field="restaurant") from exc
    return [held.get(key) or new[key] for key in identities]


# --- Merging duplicates -------------------------------------------------------------------------------------------
# What the kept restaurant takes from a merged one when its own is blank; never a part of its identity (name, address,
# place id), which would make it another restaurant.
MERGE_FILLED_FIELDS = ("merchant", "cuisine", "service_level", "price_level", "phone", "website", "latitude",
                       "longitude", "rating", "located_within")  # fmt: skip


@dataclasses.dataclass(frozen=True)
class RestaurantMerge:
    kept: Restaurant
    merged: int  # restaurants merged into `kept` (and deleted)
    moved: dict[str, int]  # per related model ("expense", ...), how many rows now point at `kept`
    aliases: int  # aliases added to `kept`


def _merge_selection(owner: User, restaurant_ids, keep_id) -> tuple[Restaurant, list[Restaurant]]:
    """The restaurants to merge, locked in id order; refusals name `restaurants` or `keep`."""
    if keep_id in (None, ""):
        raise DomainError("Choose the restaurant to keep.", field="keep")
    try:
        keep_id = int(keep_id)
        ids = sorted({int(pk) for pk in restaurant_ids or ()} | {keep_id})
    except (TypeError, ValueError) as exc:
        raise DomainError("Restaurants are given by their ids.", field="restaurants") from exc
    if len(ids) < 2:
        raise DomainError("Choose at least two restaurants to merge.", field="restaurants")
    locked = Restaurant.objects.select_for_update().filter(pk__in=ids, owner=owner).order_by("pk")
    restaurants = {restaurant.pk: restaurant for restaurant in locked}
    if set(ids) - set(restaurants):  # someone else's is "not one of yours", like one that does not exist
        field = "keep" if keep_id not in restaurants else "restaurants"
        raise DomainError("Choose among your own restaurants.", field=field)
    kept = restaurants.pop(keep_id)
    return kept, list(restaurants.values())


def _repoint(model_object, kept, merged: list, *, actor: User | None = None) -> dict[str, int]:
    """Every row of another model that points at one of `merged` now points at `kept`; counts by model name.

    Found from the model's relations, so a model added later is re-pointed with no change here. A row with a
    `version` (optimistic locking) has it bumped, so a client holding the old one gets a 412, not a lost update."""
    moved = {}
    now = timezone.now()
    for relation in model_object._meta.related_objects:
        model, field = relation.related_model, relation.field
        if relation.many_to_many or not field.concrete:
            continue
        changes = {field.name: kept}
        names = {f.name for f in model._meta.concrete_fields}
        if "version" in names:
            changes["version"] = F("version") + 1
        if "updated_at" in names:
            changes["updated_at"] = now
        rows = model.objects.filter(**{f"{field.name}__in": merged})
        # The meals' history says which restaurant they were at before the merge.
        recorded = model is Expense
        count = expenses_update_recorded(rows, actor=actor, **changes) if recorded else rows.update(**changes)
        if count:
            moved[model._meta.model_name] = count
    return moved


@transaction.atomic
def restaurant_merge(*, owner: User, restaurant_ids, keep_id) -> RestaurantMerge:
    """Merge two or more of the owner's restaurants (`restaurant_ids`, with `keep_id`) into the one kept.

    Every expense (and any other row) pointing at a merged restaurant points at the kept one; each merged
    restaurant's name and address (and place id) become aliases of the kept one, which imports, receipt reading
    and search match; blank details of the kept one are filled from the merged ones; the merged ones are deleted."""
    kept, merged = _merge_selection(owner, restaurant_ids, keep_id)
    for restaurant in merged:
        for field in MERGE_FILLED_FIELDS:
            if getattr(kept, field) in (None, "") and getattr(restaurant, field) not in (None, ""):
                setattr(kept, field, getattr(restaurant, field))
        if restaurant.notes and restaurant.notes not in kept.notes:
            kept.notes = "\n\n".join(part for part in (kept.notes, restaurant.notes) if part)
    moved = _repoint(Restaurant, kept, merged, actor=owner)
    aliases = [
        RestaurantAlias(
            owner_id=kept.owner_id,
            restaurant=kept,
            place_id=restaurant.place_id or "",
            **{field: squash(getattr(restaurant, field)) for field in ("name", *ADDRESS_FIELDS)},
        )
        for restaurant in merged
    ]
    before = RestaurantAlias.objects.filter(restaurant=kept).count()
    RestaurantAlias.objects.bulk_create(aliases, ignore_conflicts=True)  # an identity already kept stays once
    Restaurant.objects.filter(pk__in=[restaurant.pk for restaurant in merged]).delete()
    kept.save()
    added = RestaurantAlias.objects.filter(restaurant=kept).count() - before
    return RestaurantMerge(kept=kept, merged=len(merged), moved=moved, aliases=added)
