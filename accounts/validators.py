import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError

from mealtracker.money import is_currency_code


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in _timezones():
        raise ValidationError("%(value)s is not an IANA timezone such as Europe/Paris.", params={"value": value})


def validate_currency(value: str) -> None:
    if not is_currency_code(value):
        raise ValidationError("%(value)s is not an ISO 4217 currency code such as USD.", params={"value": value})


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(_timezones())]
