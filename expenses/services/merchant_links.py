"""Linking the user's restaurants to catalogue merchants (the catalogue itself is written by admins only)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from expenses.models import Merchant, Restaurant
from mealtracker.errors import DomainError, NotFound


def merchant_facts_apply(restaurant: Restaurant, merchant: Merchant) -> None:
    """Point the restaurant at its merchant; its blank cuisine and service level take the brand's (unsaved)."""
    restaurant.merchant = merchant
    restaurant.cuisine = restaurant.cuisine or merchant.cuisine
    restaurant.service_level = restaurant.service_level or merchant.service_level


@transaction.atomic
def merchant_link_apply(*, actor: User, links: Iterable[tuple[int, int | None]]) -> int:
    """Link (or with None, unlink) the actor's restaurants to merchants; returns how many changed.

    A restaurant that is not the actor's is "not found" (an admin may link anyone's). Blank cuisine and service
    level are filled from the merchant, the way a brand's facts apply to each of its branches.
    """
    links = dict(links)
    if not links:
        return 0
    restaurants = Restaurant.objects.select_for_update().filter(pk__in=list(links))
    if not actor.is_admin:
        restaurants = restaurants.filter(owner=actor)
    restaurants = {restaurant.pk: restaurant for restaurant in restaurants}
    missing = set(links) - set(restaurants)
    if missing:
        raise NotFound("Restaurant not found.", field="restaurant")
    merchants = Merchant.objects.in_bulk([pk for pk in links.values() if pk is not None])
    if any(pk is not None and pk not in merchants for pk in links.values()):
        raise DomainError("Choose a merchant from the catalogue.", field="merchant")
    changed, now = [], timezone.now()
    for pk, merchant_pk in links.items():
        restaurant, merchant = restaurants[pk], merchants.get(merchant_pk)
        if restaurant.merchant_id == merchant_pk:
            continue
        if merchant is None:
            restaurant.merchant = None
        else:
            merchant_facts_apply(restaurant, merchant)
        restaurant.updated_at = now  # bulk_update does not touch auto_now fields
        changed.append(restaurant)
    Restaurant.objects.bulk_update(changed, ["merchant", "cuisine", "service_level", "updated_at"])
    return len(changed)
