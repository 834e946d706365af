"""Restaurants: every path that creates or changes one (web, API, admin, import, restore, demo, Google places)
comes here, so each obeys the one identity rule (expenses/restaurant_selectors.py) and a new restaurant is
linked to its catalogue merchant (brand) the same way everywhere."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from expenses.merchant_selectors import merchant_matches
from expenses.models import Expense, Restaurant
from expenses.restaurant_selectors import ADDRESS_FIELDS, restaurant_identity, restaurants_by_identity, squash
from expenses.services.catalog import save_unique
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


@transaction.atomic
def restaurants_resolve(*, owner: User, drafts: list[Mapping]) -> list[Restaurant]:
    """For each draft (restaurant_create's fields), the owner's restaurant with its identity, created when new.

    New restaurants are validated like restaurant_create's, linked to their merchants and inserted in bulk;
    drafts with one identity share one restaurant (the first draft's fields). The queries do not grow with the
    drafts. Refused drafts raise RestaurantDraftsRefused (by index) and nothing is written."""
    refused: dict[int, DomainError] = {}
    prepared: list[Restaurant | None] = []
    for index, draft in enumerate(drafts):
        try:
            prepared.append(_draft_restaurant(owner, draft))
        except DomainError as exc:
            refused[index] = exc
            prepared.append(None)
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
    return [held.get(key) or new[key] for key in map(restaurant_identity, prepared)]
