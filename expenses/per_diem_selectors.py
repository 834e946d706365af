"""A trip's per-diem days: each day's meals-and-incidentals allowance, what was spent on meals and what remains.

The one computation of the allowance (web pages, the API and the meal form all read it from here):
- the rate is the M&IE of the trip's rate area for that date (the standard CONUS rate for a U.S. place with no
  rate of its own; none outside the U.S.); a date whose fiscal year is not loaded uses the latest loaded year's rate
  for the same day of the year, and says so;
- the first and the last day of a trip get 75 % of the rate (a one-day trip too);
- each meal provided that day (breakfast, lunch, dinner) is deducted at the rate's breakdown amount, and the
  allowance never falls below that day's share of the incidentals.
Spent is the sum of the owner's meals that local day in the reporting currency (their stored converted amounts).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from expenses.models import PerDiemRate, Trip
from expenses.per_diem_file import CONUS, fiscal_year_of
from expenses.selectors import expenses_visible_to
from expenses.services.currency import convert_to_reporting
from expenses.trip_selectors import in_trip, trips_owned_by
from mealtracker.errors import DomainError
from mealtracker.money import as_money, quantize

TRAVEL_DAY_SHARE = Decimal("0.75")
MEALS = ("breakfast", "lunch", "dinner")


@dataclass(frozen=True)
class PerDiemDay:
    date: datetime.date
    is_travel_day: bool  # the first or last day: 75 %
    rate: PerDiemRate | None
    rate_carried_from: int | None  # the fiscal year whose rate stands in for this day's unloaded one
    provided: tuple[str, ...]
    deduction: Decimal | None
    allowance: Decimal | None  # in the rate's currency (USD)
    allowance_reporting: Decimal | None  # in the reporting currency; None when no exchange rate is known
    spent: Decimal  # in the reporting currency
    meals: int

    @property
    def remaining(self) -> Decimal | None:
        return None if self.allowance_reporting is None else self.allowance_reporting - self.spent

    @property
    def rate_currency(self) -> str | None:
        return self.rate.currency if self.rate else None


@dataclass(frozen=True)
class TripPerDiem:
    trip: Trip
    location_key: str | None
    days: list[PerDiemDay]
    reporting_currency: str

    @property
    def allowance(self) -> Decimal | None:
        values = [day.allowance_reporting for day in self.days]
        return None if not values or any(value is None for value in values) else sum(values, Decimal(0))

    @property
    def spent(self) -> Decimal:
        return sum((day.spent for day in self.days), as_money(0))

    @property
    def remaining(self) -> Decimal | None:
        return None if self.allowance is None else self.allowance - self.spent


def per_diem_location(trip: Trip) -> str | None:
    """The trip's rate area: the one chosen, a U.S. destination whose GSA name lists the city, the standard CONUS
    rate for any other U.S. place, and none outside the U.S."""
    if trip.per_diem_location:
        return trip.per_diem_location
    if trip.country != "US":
        return None
    city = trip.city.strip().casefold()
    places = PerDiemRate.objects.filter(state=trip.region.upper()).values_list("location_key", "destination")
    for key, destination in places.distinct():
        if city in {part.strip().casefold() for part in destination.split("/")}:
            return key
    return CONUS


def _same_day_in(day: datetime.date, fiscal_year: int) -> datetime.date:
    shift = fiscal_year - fiscal_year_of(day)
    try:
        return day.replace(year=day.year + shift)
    except ValueError:  # 29 February
        return day.replace(year=day.year + shift, day=28)


def _rate_for(day: datetime.date, rates: list[PerDiemRate]) -> tuple[PerDiemRate | None, int | None]:
    for rate in rates:
        if rate.valid_from <= day <= rate.valid_to:
            return rate, None
    if not rates:
        return None, None
    latest = max(rate.fiscal_year for rate in rates)
    stand_in = _same_day_in(day, latest)
    for rate in rates:
        if rate.fiscal_year == latest and rate.valid_from <= stand_in <= rate.valid_to:
            return rate, latest
    return None, None


def _allowance(rate: PerDiemRate, is_travel_day: bool, provided: tuple[str, ...]) -> tuple[Decimal, Decimal]:
    share = TRAVEL_DAY_SHARE if is_travel_day else Decimal(1)
    deduction = sum((getattr(rate, meal) for meal in provided), Decimal(0))
    floor = quantize(rate.incidentals * share, rate.currency)
    allowance = max(quantize(rate.meals_and_incidentals * share, rate.currency) - deduction, floor)
    return allowance, quantize(deduction, rate.currency)


def _in_reporting(amount: Decimal, currency: str, day: datetime.date) -> Decimal | None:
    try:
        return convert_to_reporting(amount=amount, currency=currency, on_date=day)[0]
    except DomainError:
        return None


def trip_per_diem(trip: Trip, *, viewer: User, only: datetime.date | None = None) -> TripPerDiem:
    """Every day of the trip (or the day `only`) with its allowance, spent and remaining, in a fixed number of
    queries whatever the trip's length."""
    tz = ZoneInfo(trip.timezone)
    key = per_diem_location(trip)
    keys = [key] if key == CONUS else [key, CONUS]
    rates = list(PerDiemRate.objects.filter(location_key__in=keys).order_by("valid_from")) if key else []
    own_rates = [rate for rate in rates if rate.location_key == key]
    conus_rates = [rate for rate in rates if rate.location_key == CONUS]
    provided_rows = {row.date: row for row in trip.meals_provided.all()}
    spent: dict[datetime.date, Decimal] = {}
    counts: dict[datetime.date, int] = {}
    meals = expenses_visible_to(viewer).filter(in_trip(trip)).values_list("occurred_at", "reporting_amount")
    for occurred_at, amount in meals.order_by():
        local = occurred_at.astimezone(tz).date()
        spent[local] = spent.get(local, Decimal(0)) + amount
        counts[local] = counts.get(local, 0) + 1
    days = []
    for offset in range(trip.days):
        day = trip.start_date + datetime.timedelta(days=offset)
        if only is not None and day != only:
            continue
        rate, carried = _rate_for(day, own_rates)
        if rate is None and key:
            rate, carried = _rate_for(day, conus_rates)
        row = provided_rows.get(day)
        provided = tuple(meal for meal in MEALS if row is not None and getattr(row, meal))
        is_travel_day = day in (trip.start_date, trip.end_date)
        allowance = deduction = converted = None
        if rate is not None:
            allowance, deduction = _allowance(rate, is_travel_day, provided)
            same = rate.currency == settings.REPORTING_CURRENCY
            converted = allowance if same else _in_reporting(allowance, rate.currency, day)
        days.append(
            PerDiemDay(
                date=day,
                is_travel_day=is_travel_day,
                rate=rate,
                rate_carried_from=carried,
                provided=provided,
                deduction=deduction,
                allowance=allowance,
                allowance_reporting=converted,
                spent=as_money(spent.get(day)),
                meals=counts.get(day, 0),
            )
        )
    return TripPerDiem(trip=trip, location_key=key, days=days, reporting_currency=settings.REPORTING_CURRENCY)


def per_diem_today(user: User) -> PerDiemDay | None:
    """Today's figures when the user is on a trip today (their local date), for the meal form."""
    today = timezone.now().astimezone(user.tzinfo).date()
    trip = trips_owned_by(user).filter(start_date__lte=today, end_date__gte=today).first()
    if trip is None:
        return None
    days = trip_per_diem(trip, viewer=user, only=today).days
    return days[0] if days else None


def per_diem_locations() -> list[tuple[str, str]]:
    """The rate areas loaded, as (key, label) choices for the trip form."""
    keys = PerDiemRate.objects.order_by("location_key").values_list("location_key", flat=True).distinct()
    return [(key, "Standard CONUS rate" if key == CONUS else key) for key in keys]
