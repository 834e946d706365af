"""The merchant catalogue (brands and chains): global, written by admins only."""

import dataclasses

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from expenses.models import Merchant, MerchantAlias, MerchantRewardsLink, Restaurant
from expenses.services.catalog import save_unique
from expenses.services.validation import full_clean_or_raise
from mealtracker.errors import DomainError, NotAllowed

MERCHANT_FIELDS = {
    "name", "short_name", "website", "description", "favicon_url", "format_category", "cuisine", "service_level",
    "is_chain",
}  # fmt: skip


def _apply(merchant: Merchant, actor: User, fields: dict) -> Merchant:
    if not actor.is_admin:
        raise NotAllowed("Only admins change the merchant catalogue.")
    unknown = set(fields) - MERCHANT_FIELDS
    if unknown:
        raise DomainError(f"Unknown field {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    for name, value in fields.items():
        setattr(merchant, name, " ".join(value.split()) if name in {"name", "short_name"} else value)
    full_clean_or_raise(merchant, exclude=[])
    return save_unique(merchant, "A merchant with this name already exists.", "name")


@transaction.atomic
def merchant_create(*, actor: User, **fields) -> Merchant:
    return _apply(Merchant(), actor, fields)


@transaction.atomic
def merchant_update(*, merchant: Merchant, actor: User, **fields) -> Merchant:
    return _apply(merchant, actor, fields)


@transaction.atomic
def merchant_delete(*, merchant: Merchant, actor: User) -> None:
    """Delete a merchant; restaurants that pointed at it keep their own names."""
    if not actor.is_admin:
        raise NotAllowed("Only admins change the merchant catalogue.")
    merchant.delete()


@dataclasses.dataclass(frozen=True)
class MerchantMerge:
    kept: Merchant
    merged: int
    restaurants: int  # restaurants now linked to `kept`
    rewards_links: int  # members' loyalty links now on `kept`
    aliases: int


@transaction.atomic
def merchant_merge(*, actor: User, merchant_ids, keep_id) -> MerchantMerge:
    """Merge catalogue merchants (admins only): restaurants and loyalty links move to the kept brand, the merged
    names become its aliases (which restaurant-to-brand matching reads), the merged merchants are deleted.

    A member who linked both brands to loyalty programmes keeps the kept brand's link (one per merchant)."""
    if not actor.is_admin:
        raise NotAllowed("Only admins change the merchant catalogue.")
    try:
        keep_id = int(keep_id)
        ids = sorted({int(pk) for pk in merchant_ids or ()} | {keep_id})
    except (TypeError, ValueError) as exc:
        raise DomainError("Choose the merchants, and the one to keep, by their ids.", field="keep") from exc
    if len(ids) < 2:
        raise DomainError("Choose at least two merchants to merge.", field="merchants")
    merchants = {merchant.pk: merchant for merchant in Merchant.objects.select_for_update().filter(pk__in=ids)}
    if set(ids) - set(merchants):
        field = "keep" if keep_id not in merchants else "merchants"
        raise DomainError("Choose merchants from the catalogue.", field=field)
    kept = merchants.pop(keep_id)
    merged = list(merchants.values())
    # One loyalty link per member and merchant: a member's link to the kept brand wins, then the oldest merged one.
    links = MerchantRewardsLink.objects.filter(merchant__in=[kept, *merged]).order_by("pk")
    claimed = set(links.filter(merchant=kept).values_list("owner_id", flat=True))
    dropped = []
    for link in links.exclude(merchant=kept):
        if link.owner_id in claimed:
            dropped.append(link.pk)
        claimed.add(link.owner_id)
    MerchantRewardsLink.objects.filter(pk__in=dropped).delete()
    restaurants = Restaurant.objects.filter(merchant__in=merged).update(merchant=kept, updated_at=timezone.now())
    rewards_links = MerchantRewardsLink.objects.filter(merchant__in=merged).update(merchant=kept)
    MerchantAlias.objects.filter(merchant__in=merged).update(merchant=kept)
    taken = {name.lower() for name in Merchant.objects.exclude(pk__in=ids).values_list("name", flat=True)}
    names = {
        name.lower(): name
        for merchant in merged
        for name in (merchant.name, merchant.short_name)
        if name and name.lower() not in taken and name.lower() != kept.name.lower()
    }
    before = MerchantAlias.objects.filter(merchant=kept).count()
    MerchantAlias.objects.bulk_create(
        [MerchantAlias(merchant=kept, name=name) for name in names.values()], ignore_conflicts=True
    )
    Merchant.objects.filter(pk__in=[merchant.pk for merchant in merged]).delete()
    aliases = MerchantAlias.objects.filter(merchant=kept).count() - before
    return MerchantMerge(kept, len(merged), restaurants, rewards_links, aliases)
