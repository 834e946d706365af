"""Creating, changing and deleting trips, and the meals provided on their days."""

import datetime

from django.db import transaction

from accounts.models import User
from expenses.models import PerDiemRate, Trip, TripMealsProvided
from expenses.services.validation import full_clean_or_raise
from expenses.trip_selectors import can_edit_trip
from mealtracker.countries import country_code
from mealtracker.errors import DomainError, NotAllowed, StaleWrite
from mealtracker.local_dates import local_day_bounds

MAX_TRIP_DAYS = 366
TRIP_FIELDS = {"name", "purpose", "start_date", "end_date", "city", "region", "country", "per_diem_location"}


def _check(trip: Trip) -> None:
    if trip.start_date and trip.end_date:
        if trip.end_date < trip.start_date:
            raise DomainError("The trip cannot end before it starts.", field="end_date")
        if trip.days > MAX_TRIP_DAYS:
            raise DomainError(f"A trip lasts at most {MAX_TRIP_DAYS} days.", field="end_date")
    code = country_code(trip.country)
    if not code:
        raise DomainError("Give the country as a name or an ISO code such as US.", field="country")
    trip.country = code
    trip.region = trip.region.strip()
    if code == "US" and len(trip.region) == 2:
        trip.region = trip.region.upper()
    trip.per_diem_location = " ".join(trip.per_diem_location.split())
    if trip.per_diem_location and not PerDiemRate.objects.filter(location_key=trip.per_diem_location).exists():
        raise DomainError(
            "No per-diem rates are loaded for this place; pick one of the list or leave it empty.",
            field="per_diem_location",
        )
    full_clean_or_raise(trip, exclude=["owner", "starts_at", "ends_at"])
    trip.starts_at, trip.ends_at = local_day_bounds(trip.start_date, trip.end_date, tz=trip.owner.tzinfo)
    overlapping = Trip.objects.filter(
        owner=trip.owner, start_date__lte=trip.end_date, end_date__gte=trip.start_date
    ).exclude(pk=trip.pk)
    other = overlapping.order_by("start_date").first()
    if other is not None:
        raise DomainError(
            f"This overlaps your trip “{other.name}” ({other.start_date:%d %b} to {other.end_date:%d %b %Y}); "
            "a day belongs to one trip.",
            field="start_date",
        )


@transaction.atomic
def trip_create(
    *,
    owner: User,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    city: str,
    region: str = "",
    country: str = "US",
    purpose: str = "",
    per_diem_location: str = "",
) -> Trip:
    """Record a trip. Its days are the owner's local days: meals on them belong to it."""
    User.objects.select_for_update().filter(pk=owner.pk).first()  # one trip write per person at a time: no overlaps
    trip = Trip(
        owner=owner, name=name.strip(), start_date=start_date, end_date=end_date, city=city.strip(), region=region,
        country=country, purpose=purpose, per_diem_location=per_diem_location, timezone=owner.timezone,
    )  # fmt: skip
    _check(trip)
    trip.save()
    return trip


@transaction.atomic
def trip_update(*, trip: Trip, actor: User, expected_version: int | None = None, **fields) -> Trip:
    """Change a trip; its days follow the owner's current timezone. Provided meals outside the new dates go."""
    unknown = set(fields) - TRIP_FIELDS
    if unknown:
        raise DomainError(f"Unknown field {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    User.objects.select_for_update().filter(pk=trip.owner_id).first()
    current = Trip.objects.select_for_update().select_related("owner").get(pk=trip.pk)
    if not can_edit_trip(actor, current):
        raise NotAllowed("Only the traveller changes a trip.")
    if expected_version is not None and current.version != expected_version:
        raise StaleWrite("This trip changed since you opened it; reload and try again.", field="version")
    for name, value in fields.items():
        setattr(current, name, value.strip() if isinstance(value, str) else value)
    current.timezone = current.owner.timezone
    _check(current)
    current.version += 1
    current.save()
    current.meals_provided.exclude(date__range=(current.start_date, current.end_date)).delete()
    return current


@transaction.atomic
def trip_delete(*, trip: Trip, actor: User) -> None:
    """Delete a trip. Its meals stay: they only stop belonging to a trip."""
    if not can_edit_trip(actor, trip):
        raise NotAllowed("Only the traveller deletes a trip.")
    trip.delete()


@transaction.atomic
def trip_meals_provided_set(
    *, trip: Trip, actor: User, date: datetime.date, breakfast: bool, lunch: bool, dinner: bool
) -> None:
    """Say which meals were provided on a trip day (deducted from its allowance); none provided clears the day."""
    if not can_edit_trip(actor, trip):
        raise NotAllowed("Only the traveller changes a trip.")
    if not trip.start_date <= date <= trip.end_date:
        raise DomainError("Pick a day of the trip.", field="date")
    if breakfast or lunch or dinner:
        TripMealsProvided.objects.update_or_create(
            trip=trip, date=date, defaults={"breakfast": breakfast, "lunch": lunch, "dinner": dinner}
        )
    else:
        TripMealsProvided.objects.filter(trip=trip, date=date).delete()
