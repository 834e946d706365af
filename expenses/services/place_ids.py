"""Finding the Google place of a saved restaurant that has none: candidates by name and address, with their
distance and address; the place id is stored only when someone accepts one (or a command, for a confident single
match, with --yes)."""

import dataclasses

from accounts.models import User
from expenses.models import Restaurant
from expenses.restaurant_selectors import squash
from expenses.services.places import place_search
from expenses.services.restaurants import restaurant_update
from mealtracker.errors import Conflict, DomainError

CONFIDENT_METRES = 250  # a single candidate this close, with the same name, is the restaurant
MAX_CANDIDATES = 5


@dataclasses.dataclass(frozen=True)
class PlaceCandidate:
    place_id: str
    name: str
    address: str
    distance_m: int | None  # from the restaurant's stored position; None when either has none
    saved_as: int | None  # the user's other restaurant that already has this place id
    same_name: bool

    @property
    def distance_text(self) -> str:
        if self.distance_m is None:
            return "distance unknown"
        return f"{self.distance_m} m" if self.distance_m < 1000 else f"{self.distance_m / 1000:.1f} km"


def place_search_text(restaurant: Restaurant) -> str:
    """What Places is asked: the name and the address parts the restaurant has."""
    parts = (restaurant.name, restaurant.address_line_1, restaurant.city, restaurant.region, restaurant.postal_code)
    return ", ".join(squash(part) for part in parts if squash(part)) + (
        f" {restaurant.country}" if restaurant.country else ""
    )


def _same_name(ours: str, theirs: str) -> bool:
    ours, theirs = squash(ours).casefold(), squash(theirs).casefold()
    return bool(ours and theirs) and (ours in theirs or theirs in ours)


def restaurant_place_candidates(*, user: User, restaurant: Restaurant) -> list[PlaceCandidate]:
    """Places that may be this restaurant, nearest first when it has a position (one paid search, cached)."""
    if restaurant.place_id:
        raise DomainError("This restaurant already has a place id.", field="place_id")
    found = place_search(
        user=user,
        query=place_search_text(restaurant),
        latitude=restaurant.latitude,
        longitude=restaurant.longitude,
        max_results=MAX_CANDIDATES,
    )
    candidates = []
    for place in found:
        if not place.get("place_id"):
            continue
        distance = place.get("distance_km")
        candidates.append(
            PlaceCandidate(
                place_id=place["place_id"],
                name=place.get("name", ""),
                address=place.get("formatted_address", ""),
                distance_m=None if distance is None else round(distance * 1000),
                saved_as=place.get("already_saved"),
                same_name=_same_name(restaurant.name, place.get("name", "")),
            )
        )
    candidates.sort(key=lambda c: (c.distance_m is None, c.distance_m or 0))
    return candidates


def confident_match(candidates: list[PlaceCandidate]) -> PlaceCandidate | None:
    """The one candidate to accept without asking: the only one, with the same name, within CONFIDENT_METRES
    (or, for a restaurant without a position, the only one with the same name), and not saved already."""
    if len(candidates) != 1:
        return None
    candidate = candidates[0]
    near = candidate.distance_m is None or candidate.distance_m <= CONFIDENT_METRES
    return candidate if candidate.same_name and near and candidate.saved_as is None else None


def restaurant_place_id_accept(*, restaurant: Restaurant, place_id: str) -> Restaurant:
    """Store the accepted place id (a place another of the owner's restaurants has is refused, naming place_id)."""
    place_id = (place_id or "").strip()
    if not place_id:
        raise DomainError("Choose a place.", field="place_id")
    if restaurant.place_id:
        raise Conflict("This restaurant already has a place id.", field="place_id")
    return restaurant_update(restaurant=restaurant, place_id=place_id)
