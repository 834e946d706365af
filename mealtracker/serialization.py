"""Plain JSON values for what the ORM and the reports hand back."""

import datetime
from decimal import Decimal


def json_value(value):
    """A Decimal as its exact string (never a float), a date, time or datetime in ISO 8601; anything else as it is."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    return value
