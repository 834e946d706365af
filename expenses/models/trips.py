"""Trips, the meals they hold (by local date) and the per-diem rates that give each trip day its allowance."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accounts.validators import validate_currency, validate_timezone
from expenses.models.fields import MONEY


class Trip(models.Model):
    """A journey with dates and a destination. Meals belong to it by their local date, so no meal points at a trip:
    `starts_at`/`ends_at` are the instants of the first local midnight and the one after the last day, in the
    trip's timezone (the owner's when the trip was saved), kept by the services."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trips")
    name = models.CharField(max_length=120, help_text="What you call the trip, e.g. 'Boston sales week'.")
    purpose = models.TextField(blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, blank=True, help_text="State or region (two letters for a U.S. state).")
    country = models.CharField(max_length=2, default="US", help_text="ISO 3166 country code.")
    per_diem_location = models.CharField(
        max_length=160,
        blank=True,
        help_text="The per-diem rate area, e.g. 'MA/Boston'; found from the city and state when empty.",
    )
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    starts_at = models.DateTimeField(editable=False)
    ends_at = models.DateTimeField(editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["owner", "-start_date"], name="expenses_trip_owner_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="expenses_trip_dates_in_order"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="expenses_trip_bounds_in_order"),
        ]

    def __str__(self):
        return f"{self.name} ({self.start_date:%Y-%m-%d} to {self.end_date:%Y-%m-%d})"

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def destination(self) -> str:
        return ", ".join(part for part in (self.city, self.region, self.country) if part)


class TripMealsProvided(models.Model):
    """Meals provided on one trip day (a conference lunch, a hotel breakfast): deducted from that day's allowance."""

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="meals_provided")
    date = models.DateField()
    breakfast = models.BooleanField(default=False)
    lunch = models.BooleanField(default=False)
    dinner = models.BooleanField(default=False)

    class Meta:
        ordering = ["date"]
        verbose_name_plural = "trip meals provided"
        constraints = [models.UniqueConstraint(fields=["trip", "date"], name="expenses_tripmealsprovided_day")]

    def __str__(self):
        return f"{self.trip_id} {self.date}"


class PerDiemRate(models.Model):
    """Meals and incidentals (M&IE) for a rate area over a period, with the standard breakdown that provided meals
    are deducted by. Loaded from the GSA per-diem file by `manage.py load_per_diem`."""

    location_key = models.CharField(max_length=160, help_text="'ST/Destination', or 'CONUS' for the standard rate.")
    state = models.CharField(max_length=2, blank=True)
    destination = models.CharField(max_length=200)
    county = models.CharField(max_length=300, blank=True)
    fiscal_year = models.PositiveSmallIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField()
    currency = models.CharField(max_length=3, default="USD", validators=[validate_currency])
    lodging = models.DecimalField(**MONEY, null=True, blank=True)
    meals_and_incidentals = models.DecimalField(**MONEY)
    breakfast = models.DecimalField(**MONEY)
    lunch = models.DecimalField(**MONEY)
    dinner = models.DecimalField(**MONEY)
    incidentals = models.DecimalField(**MONEY)
    source = models.CharField(max_length=200, blank=True, help_text="The file the rate was loaded from.")
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["location_key", "valid_from"]
        indexes = [models.Index(fields=["location_key", "valid_from"], name="expenses_perdiemrate_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["location_key", "valid_from"], name="expenses_perdiemrate_period"),
            models.CheckConstraint(condition=Q(valid_to__gte=F("valid_from")), name="expenses_perdiemrate_in_order"),
            models.CheckConstraint(condition=Q(meals_and_incidentals__gt=0), name="expenses_perdiemrate_mie_positive"),
            models.CheckConstraint(
                condition=Q(meals_and_incidentals=F("breakfast") + F("lunch") + F("dinner") + F("incidentals")),
                name="expenses_perdiemrate_breakdown_adds_up",
            ),
        ]

    def __str__(self):
        return (
            f"{self.location_key} {self.valid_from:%Y-%m-%d} to {self.valid_to:%Y-%m-%d}: {self.meals_and_incidentals}"
        )
