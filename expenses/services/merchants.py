"""The merchant catalogue (brands and chains): global, written by admins only."""

from django.db import transaction

from accounts.models import User
from expenses.models import Merchant
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
