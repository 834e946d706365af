"""Which catalogue merchant (brand or chain) a restaurant belongs to: by website host, then by name prefix.

Both checks run in SQL against candidate keys derived from the restaurant, so the merchant table is never
loaded whole (the original scanned it in Python on every save).
"""

import dataclasses
import re
import urllib.parse
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q
from django.db.models.functions import Lower

from accounts.models import User
from expenses.models import Merchant, Restaurant

BATCH = 200  # candidate keys per query
MIN_PREFIX = 3


@dataclasses.dataclass(frozen=True)
class MerchantSuggestion:
    restaurant: Restaurant
    merchant: Merchant
    reason: str  # "website" or "name"


def website_host(url: str) -> str:
    """ "https://www.Chipotle.com/locations" -> "chipotle.com"."""
    url = (url or "").strip().lower()
    if url and "//" not in url:
        url = f"//{url}"
    host = urllib.parse.urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _hosts(host: str) -> list[str]:
    """The host and its parent domains down to two labels: order.chipotle.com, chipotle.com."""
    labels = host.split(".")
    return [".".join(labels[index:]) for index in range(max(len(labels) - 1, 1)) if host]


def name_prefixes(name: str) -> list[str]:
    """Lower-cased prefixes of a name at word boundaries, longest first: "chipotle mexican grill - x", ..."""
    words = re.sub(r"\s+", " ", (name or "").strip().lower()).split(" ")
    prefixes = []
    for end in range(len(words), 0, -1):
        prefix = " ".join(words[:end]).rstrip(" -\u2013,:#&/")
        if len(prefix) >= MIN_PREFIX and prefix not in prefixes:
            prefixes.append(prefix)
    return prefixes


def _by_website(restaurants: list[Restaurant]) -> dict[int, Merchant]:
    wanted = {id(r): _hosts(website_host(r.website)) for r in restaurants if website_host(r.website)}
    hosts = sorted({host for candidates in wanted.values() for host in candidates})
    merchants_by_host: dict[str, Merchant] = {}
    for start in range(0, len(hosts), BATCH):
        chunk = hosts[start : start + BATCH]
        # Narrow in SQL ("//host" somewhere in the URL), then confirm the exact host on the few rows found.
        query = reduce(
            or_, (Q(website__icontains=f"//{host}") | Q(website__icontains=f"//www.{host}") for host in chunk)
        )
        for merchant in Merchant.objects.filter(query).order_by("pk"):
            merchants_by_host.setdefault(website_host(merchant.website), merchant)
    found = {}
    for restaurant in restaurants:
        for host in wanted.get(id(restaurant), []):
            if host in merchants_by_host:
                found[id(restaurant)] = merchants_by_host[host]
                break
    return found


def _by_name(restaurants: list[Restaurant]) -> dict[int, Merchant]:
    wanted = {id(r): name_prefixes(r.name) for r in restaurants}
    keys = sorted({prefix for prefixes in wanted.values() for prefix in prefixes})
    by_key: dict[str, Merchant] = {}
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        # lower(name) IN (...) is served by the unique index on lower(name). A name a merge folded into another
        # brand (MerchantAlias) still finds that brand: joined in the same query, one row per alias.
        merchants = Merchant.objects.annotate(
            key=Lower("name"), short_key=Lower("short_name"), alias_key=Lower("aliases__name")
        ).filter(Q(key__in=chunk) | Q(short_key__in=chunk) | Q(alias_key__in=chunk))
        merchants = list(merchants.order_by("pk"))
        for merchant in merchants:  # a full name is a stronger claim than another brand's short name or old name
            by_key.setdefault(merchant.key, merchant)
        for merchant in merchants:
            if merchant.short_key:
                by_key.setdefault(merchant.short_key, merchant)
        for merchant in merchants:
            if merchant.alias_key:
                by_key.setdefault(merchant.alias_key, merchant)
    found = {}
    for restaurant in restaurants:
        for prefix in wanted[id(restaurant)]:  # longest prefix first: "Pizza Hut Express" over "Pizza"
            if prefix in by_key:
                found[id(restaurant)] = by_key[prefix]
                break
    return found


def merchant_matches(restaurants: Iterable[Restaurant]) -> dict[int, tuple[Merchant, str]]:
    """Restaurant id(obj) -> (merchant, reason) for those that match, in a handful of queries."""
    restaurants = list(restaurants)
    matches = {key: (merchant, "name") for key, merchant in _by_name(restaurants).items()}
    matches.update({key: (merchant, "website") for key, merchant in _by_website(restaurants).items()})
    return matches


def merchant_match_for_restaurant(restaurant: Restaurant) -> Merchant | None:
    """The catalogue merchant for this restaurant: same website host first, then the longest name prefix."""
    match = merchant_matches([restaurant]).get(id(restaurant))
    return match[0] if match else None


def merchant_link_suggestions(user: User) -> list[MerchantSuggestion]:
    """The user's restaurants without a merchant that match one, for the link review page."""
    unlinked = list(Restaurant.objects.filter(owner=user, merchant__isnull=True).order_by("name", "pk"))
    matches = merchant_matches(unlinked)
    return [
        MerchantSuggestion(restaurant, *matches[id(restaurant)]) for restaurant in unlinked if id(restaurant) in matches
    ]
