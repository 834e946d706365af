"""Which of a user's restaurants a description refers to: the identity rule and the look-ups built on it.

A restaurant's identity is its place id when it has one; otherwise its name and its address (line 1, city,
postal code, country), with runs of whitespace squashed and case ignored. Line 2 (suite, floor) and the region
are left out: they are written in too many ways ("Ste 4" / "Suite 4", "NY" / "New York") to tell two places apart.
Blank parts are '' (never NULL), so a restaurant with no address is identified by its name alone, and two
branches of a chain in one city are two restaurants as soon as their addresses or place ids differ.
The database holds the same rule: expenses_restaurant_owner_place_unique and
expenses_restaurant_owner_name_address_unique.

A merge (expenses/services/restaurants.py, restaurant_merge) keeps each merged restaurant's identity as a
RestaurantAlias of the restaurant kept; every look-up here also finds a restaurant by its aliases, so an import, a
receipt or a search naming the old venue lands on the kept one.
"""

from collections.abc import Iterable, Mapping

from django.db.models.functions import Lower

from accounts.models import User
from expenses.models import Restaurant, RestaurantAlias

ADDRESS_FIELDS = ("address_line_1", "city", "postal_code", "country")
BATCH = 500  # names or place ids per query

Identity = tuple[str, ...]


def squash(text) -> str:
    """'  Joe's   Pizza ' -> "Joe's Pizza": the form names and addresses are stored in."""
    return " ".join(str(text or "").split())


def _value(restaurant: Restaurant | Mapping, field: str):
    return restaurant.get(field) if isinstance(restaurant, Mapping) else getattr(restaurant, field)


def restaurant_identity(restaurant: Restaurant | Mapping) -> Identity:
    """("place", id) or ("address", name, line 1, city, postal code, country), from a restaurant or its fields."""
    place_id = str(_value(restaurant, "place_id") or "").strip()
    if place_id:
        return ("place", place_id)
    return ("address", *(squash(_value(restaurant, field)).lower() for field in ("name", *ADDRESS_FIELDS)))


def _candidates(owner: User | int, descriptions: list) -> list[Restaurant]:
    """The owner's restaurants with one of these place ids or names, a query per BATCH of each."""
    place_ids, names = _keys(descriptions)
    found: dict[int, Restaurant] = {}
    mine = Restaurant.objects.filter(owner=owner)
    for start in range(0, len(place_ids), BATCH):
        found.update((r.pk, r) for r in mine.filter(place_id__in=place_ids[start : start + BATCH]))
    for start in range(0, len(names), BATCH):
        # lower(name) IN (...): the unique index on (owner, lower(name), ...) serves it.
        chunk = names[start : start + BATCH]
        found.update((r.pk, r) for r in mine.annotate(name_key=Lower("name")).filter(name_key__in=chunk))
    return sorted(found.values(), key=lambda restaurant: restaurant.pk)


def _keys(descriptions: list) -> tuple[list[str], list[str]]:
    place_ids = sorted({key[1] for key in map(restaurant_identity, descriptions) if key[0] == "place"})
    names = sorted({squash(_value(d, "name")).lower() for d in descriptions if squash(_value(d, "name"))})
    return place_ids, names


def alias_candidates(owner: User | int, descriptions: list) -> list[RestaurantAlias]:
    """The owner's aliases with one of these place ids or names (their restaurants loaded), a query per BATCH."""
    place_ids, names = _keys(descriptions)
    found: dict[int, RestaurantAlias] = {}
    mine = RestaurantAlias.objects.filter(owner=owner).select_related("restaurant__merchant")
    for start in range(0, len(place_ids), BATCH):
        found.update((a.pk, a) for a in mine.filter(place_id__in=place_ids[start : start + BATCH]))
    for start in range(0, len(names), BATCH):
        chunk = names[start : start + BATCH]
        found.update((a.pk, a) for a in mine.annotate(name_key=Lower("name")).filter(name_key__in=chunk))
    return sorted(found.values(), key=lambda alias: alias.pk)


def alias_identities(alias: RestaurantAlias) -> list[Identity]:
    """What an alias answers to: the merged restaurant's place id (when it had one) and its name and address."""
    by_address = restaurant_identity({**{field: getattr(alias, field) for field in ADDRESS_FIELDS}, "name": alias.name})
    return [("place", alias.place_id), by_address] if alias.place_id else [by_address]


def restaurants_by_identity(owner: User | int, descriptions: Iterable) -> dict[Identity, Restaurant]:
    """The owner's restaurants holding the identities of these descriptions (restaurants or field dicts), by their
    own identity or one they were given by a merge."""
    descriptions = list(descriptions)
    wanted = set(map(restaurant_identity, descriptions))
    held = {}
    for restaurant in _candidates(owner, descriptions):
        held.setdefault(restaurant_identity(restaurant), restaurant)
    for alias in alias_candidates(owner, descriptions):
        for key in alias_identities(alias):
            held.setdefault(key, alias.restaurant)
    return {key: restaurant for key, restaurant in held.items() if key in wanted}


def _agrees(restaurant: Restaurant | RestaurantAlias, description: Mapping) -> bool:
    """Every address part the description gives is the restaurant's; the parts it leaves blank say nothing."""
    for field in ADDRESS_FIELDS:
        given = squash(description.get(field)).lower()
        if given and given != squash(getattr(restaurant, field)).lower():
            return False
    return True


def description_key(description: Mapping) -> tuple | None:
    """What makes two descriptions (field dicts) the same: their fields and values, when every value is plain text,
    a number or None; None for a description to take on its own. An import names its restaurants on every row, so
    the look-ups and checks run once per distinct description."""
    parts = []
    for name, value in sorted(description.items()):
        if value is not None and type(value) not in (str, int, bool):
            return None
        parts.append((name, type(value), value))
    return tuple(parts)


def _distinct(descriptions: list, keys: list) -> list:
    """The descriptions without repeats (by description_key), in order."""
    seen, distinct = set(), []
    for key, description in zip(keys, descriptions, strict=True):
        if key is None or key not in seen:
            seen.add(key)
            distinct.append(description)
    return distinct


def restaurants_matching(owner: User, descriptions: Iterable[Mapping]) -> list[Restaurant | None]:
    """For each description (an imported row's restaurant fields), the owner's restaurant it refers to, or None.

    Its identity first; failing that, the only restaurant of that name whose address agrees with every part the
    description gives (a bank line "STARBUCKS" is your one Starbucks, but not one of your two); a restaurant with
    another place id is another place. A merged restaurant's old names and addresses (its aliases) count as the
    kept restaurant's. A few queries however many descriptions."""
    descriptions = list(descriptions)
    keys = [description_key(description) for description in descriptions]
    distinct = _distinct(descriptions, keys)
    by_identity: dict[Identity, Restaurant] = {}
    # name -> [(what carries the address: the restaurant or an alias, the restaurant it stands for)]
    by_name: dict[str, list[tuple[Restaurant | RestaurantAlias, Restaurant]]] = {}
    for restaurant in _candidates(owner, distinct):
        by_identity.setdefault(restaurant_identity(restaurant), restaurant)
        by_name.setdefault(squash(restaurant.name).lower(), []).append((restaurant, restaurant))
    for alias in alias_candidates(owner, distinct):
        for identity in alias_identities(alias):
            by_identity.setdefault(identity, alias.restaurant)
        by_name.setdefault(squash(alias.name).lower(), []).append((alias, alias.restaurant))
    matches, found_for = [], {}
    for key, description in zip(keys, descriptions, strict=True):
        if key is not None and key in found_for:
            matches.append(found_for[key])
            continue
        found = by_identity.get(restaurant_identity(description))
        if found is None and squash(description.get("name")):
            has_place = restaurant_identity(description)[0] == "place"
            agreeing = {
                restaurant.pk: restaurant
                for holder, restaurant in by_name.get(squash(description["name"]).lower(), [])
                if _agrees(holder, description) and not (has_place and holder.place_id)
            }
            found = next(iter(agreeing.values())) if len(agreeing) == 1 else None
        if key is not None:
            found_for[key] = found
        matches.append(found)
    return matches


def restaurant_identities(restaurants: Iterable[Restaurant]) -> dict[int, set[Identity]]:
    """Restaurant id -> every identity it answers to: its own and those its aliases keep from merges (one query).

    An importer asking "is this line the same place as the restaurant it matched?" compares against all of them, so
    a line naming a merged venue is a duplicate of the kept restaurant, not merely a possible match."""
    restaurants = list(restaurants)
    found = {restaurant.pk: {restaurant_identity(restaurant)} for restaurant in restaurants}
    for alias in RestaurantAlias.objects.filter(restaurant__in=[r.pk for r in restaurants]):
        found[alias.restaurant_id].update(alias_identities(alias))
    return found
