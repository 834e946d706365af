"""Calendar days in a person's timezone, as the aware instants that bound them.

Every "from this date to that date" in the product (list filters, reports, exports) means whole local days of
the person looking: a meal at 23:30 in New York on 1 March belongs to 1 March, although it is 2 March in UTC.
"""

import datetime
from zoneinfo import ZoneInfo


def local_day_bounds(
    first: datetime.date, last: datetime.date | None = None, *, tz: ZoneInfo
) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware [start, end) instants covering the local days `first` to `last` (both included; `last` defaults to
    `first`): midnight starting `first` and midnight ending `last`, each in `tz`, so a DST day is 23 or 25 hours."""
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine((last or first) + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end
