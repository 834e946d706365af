"""Restaurants and Google places: add from a place, check a stored restaurant against Google, apply fixes."""

import dataclasses
import re
import urllib.parse
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from accounts.models import User
from expenses.geo import metres_between
from expenses.models import Restaurant
from expenses.places import PlacesClient, PlacesUnavailable, place_to_restaurant_fields, places_enabled
from expenses.places.client import TIERS
from expenses.services.restaurants import restaurant_create, restaurant_update
from mealtracker.errors import DomainError

COMPARED_FIELDS = (
    "name", "address_line_1", "address_line_2", "city", "region", "postal_code", "country", "phone", "website",
    "price_level", "cuisine", "service_level", "location",
)  # fmt: skip
SAME_PLACE_METRES = 50
STREET_WORDS = {
    "street": "st", "avenue": "ave", "road": "rd", "boulevard": "blvd", "drive": "dr", "lane": "ln",
    "place": "pl", "square": "sq", "highway": "hwy", "parkway": "pkwy", "court": "ct", "suite": "ste",
    "north": "n", "south": "s", "east": "e", "west": "w",
}  # fmt: skip


@dataclasses.dataclass(frozen=True)
class PlaceDifference:
    """One field where the stored restaurant and Google disagree; `google` is what a fix would store."""

    field: str
    stored: object
    google: object

    @property
    def kind(self) -> str:
        return "missing" if self.stored in ("", None) else "different"


def _client() -> PlacesClient:
    if not places_enabled():
        raise PlacesUnavailable("Place search is not set up on this server.")
    return PlacesClient()


def _tier_at_least(tier: str) -> str:
    """The configured billing tier, raised to `tier` when an operation cannot work below it."""
    configured = settings.PLACES_FIELD_TIER
    return configured if TIERS.index(configured) >= TIERS.index(tier) else tier


def _place_fields(place_id: str) -> dict:
    place = _client().place(place_id, tier=_tier_at_least("pro"))  # a restaurant needs a name: Pro
    return place_to_restaurant_fields(place)


def place_details(*, place_id: str) -> dict:
    """One place's details as restaurant fields plus its formatted address (a Pro-tier lookup, cached)."""
    place = _client().place(place_id, tier=_tier_at_least("pro"))
    return {**place_to_restaurant_fields(place), "formatted_address": place.get("formattedAddress", "")}


def place_search(
    *, user: User, query: str, latitude=None, longitude=None, radius_km: float | None = None, max_results: int = 10
) -> list[dict]:
    """Google places for a query, as restaurant fields plus `already_saved` (the user's restaurant id or None).

    With a point and a radius, results outside the circle are dropped (Google's bias is only a preference).
    """
    radius_m = float(radius_km) * 1000 if radius_km else None
    places = _client().search_text(
        query, latitude=latitude, longitude=longitude, radius_m=radius_m, max_results=max_results
    )
    results = []
    for place in places:
        fields = place_to_restaurant_fields(place)
        fields["formatted_address"] = place.get("formattedAddress", "")
        if latitude is not None and longitude is not None and "latitude" in fields and "longitude" in fields:
            fields["distance_km"] = round(
                metres_between(latitude, longitude, fields["latitude"], fields["longitude"]) / 1000, 3
            )
            if radius_m and fields["distance_km"] * 1000 > radius_m:
                continue
        results.append(fields)
    saved = dict(
        Restaurant.objects.filter(
            owner=user, place_id__in=[r["place_id"] for r in results if r.get("place_id")]
        ).values_list("place_id", "pk")
    )
    for result in results:
        result["already_saved"] = saved.get(result.get("place_id"))
    return results


@transaction.atomic
def restaurant_from_place(*, owner: User, place_id: str) -> Restaurant:
    """A new restaurant for the owner filled from Google's details (restaurant_create links its merchant)."""
    fields = _place_fields(place_id)
    if not fields.get("name"):
        raise DomainError("Google has no name for this place.", field="place_id")
    return restaurant_create(owner=owner, **fields)


def _words(text) -> str:
    words = re.sub(r"[^\w ]", " ", str(text or "").casefold()).split()
    return " ".join(STREET_WORDS.get(word, word) for word in words)


def _website(url: str) -> str:
    parts = urllib.parse.urlsplit((url or "").strip().lower())
    host = parts.netloc.removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"


def _phone(number: str) -> str:
    return re.sub(r"\D", "", number or "")[-10:]


def _same(field: str, stored, google) -> bool:
    if field == "phone":
        return _phone(stored) == _phone(google)
    if field == "website":
        return _website(stored) == _website(google)
    if field == "price_level":
        return stored == google
    return _words(stored) == _words(google)


def _differences(restaurant: Restaurant, google: dict) -> list[PlaceDifference]:
    found = []
    for field in COMPARED_FIELDS:
        if field == "location":
            if google.get("latitude") is None or google.get("longitude") is None:
                continue
            stored = (restaurant.latitude, restaurant.longitude)
            wanted = (google["latitude"], google["longitude"])
            if None in stored or metres_between(*stored, *wanted) > SAME_PLACE_METRES:
                found.append(PlaceDifference("location", None if None in stored else stored, wanted))
        elif field in google and not _same(field, getattr(restaurant, field), google[field]):
            found.append(PlaceDifference(field, getattr(restaurant, field), google[field]))
    return found


def restaurant_compare_with_place(restaurant: Restaurant) -> list[PlaceDifference]:
    """Field-by-field differences between a stored restaurant and its Google place (cached details)."""
    if not restaurant.place_id:
        raise DomainError("This restaurant is not linked to a Google place.", field="place_id")
    return _differences(restaurant, _place_fields(restaurant.place_id))


@transaction.atomic
def restaurant_apply_place_fixes(*, restaurant: Restaurant, fields: Iterable[str]) -> Restaurant:
    """Copy the chosen fields ("location" means latitude and longitude) from Google onto the restaurant."""
    fields = list(dict.fromkeys(fields))
    unknown = [field for field in fields if field not in COMPARED_FIELDS]
    if unknown:
        raise DomainError(f"Google cannot fix the field {unknown[0]}.", field="fields")
    if not restaurant.place_id:
        raise DomainError("This restaurant is not linked to a Google place.", field="place_id")
    google = _place_fields(restaurant.place_id)
    changes: dict = {}
    for field in fields:
        if field == "location":
            changes.update({name: google[name] for name in ("latitude", "longitude") if name in google})
        elif field in google:
            changes[field] = google[field]
    if not changes:
        return restaurant
    return restaurant_update(restaurant=restaurant, **changes)
