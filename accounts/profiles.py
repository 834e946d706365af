"""Writes a signed-in user makes to their own account (the profile page)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from mealtracker.errors import DomainError


@transaction.atomic
def profile_update(*, user: User, display_name: str, timezone: str, default_currency: str) -> User:
    """Change the display name, the timezone pages are shown in and the currency new meals default to."""
    user.display_name = " ".join((display_name or "").split())
    user.timezone = timezone
    user.default_currency = (default_currency or "").upper()
    try:
        user.full_clean(exclude=["password", "email"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(" ".join(messages), field=field) from exc
    user.save(update_fields=["display_name", "timezone", "default_currency"])
    return user
