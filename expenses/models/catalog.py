"""The catalogue a user's meals refer to: brands, categories, tags and restaurants."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from expenses.choices import MerchantFormat, ServiceLevel
from expenses.models.fields import validate_colour


class Merchant(models.Model):
    """A brand or chain in the global catalogue; only admins write it."""

    name = models.CharField(max_length=100)
    short_name = models.CharField(max_length=100, blank=True)
    website = models.URLField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    favicon_url = models.URLField(max_length=500, blank=True)
    format_category = models.CharField(max_length=40, choices=MerchantFormat.choices, blank=True)
    cuisine = models.CharField(max_length=100, blank=True)
    service_level = models.CharField(max_length=20, choices=ServiceLevel.choices, blank=True)
    is_chain = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="expenses_merchant_name_unique")]

    def __str__(self):
        return self.name


class Category(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    color = models.CharField(max_length=7, default="#6c757d", validators=[validate_colour])
    icon = models.CharField(max_length=50, blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="expenses_category_owner_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="expenses_category_name_not_blank"),
        ]

    def __str__(self):
        return self.name


class Tag(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(
        max_length=50,
        validators=[RegexValidator(r"^[A-Za-z0-9-]+$", "Use letters, digits and hyphens only.")],
    )
    color = models.CharField(max_length=7, default="#6c757d", validators=[validate_colour])
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="expenses_tag_owner_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="expenses_tag_name_not_blank"),
        ]

    def __str__(self):
        return self.name


class Restaurant(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restaurants")
    merchant = models.ForeignKey(Merchant, on_delete=models.SET_NULL, null=True, blank=True, related_name="restaurants")
    name = models.CharField(max_length=100)
    location_name = models.CharField(max_length=100, blank=True, help_text="Branch, e.g. 'Downtown'.")
    located_within = models.CharField(max_length=100, blank=True, help_text="Mall, airport, station...")
    cuisine = models.CharField(max_length=100, blank=True)
    service_level = models.CharField(max_length=20, choices=ServiceLevel.choices, blank=True)
    price_level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(4)], help_text="0 (free) to 4 (very expensive)."
    )
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(
        max_length=2, blank=True, validators=[RegexValidator(r"^[A-Z]{2}$", "Use an ISO country code.")]
    )
    phone = models.CharField(max_length=30, blank=True)
    website = models.URLField(max_length=500, blank=True)
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )  # fmt: skip
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )  # fmt: skip
    # NULL, not "", when unknown: the unique (owner, place_id) constraint must ignore missing ids.
    place_id = models.CharField(max_length=255, null=True, blank=True, help_text="External place id.")  # noqa: DJ001
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            # "My restaurants near me": a bounding box on the owner's coordinates before the distance.
            models.Index(fields=["owner", "latitude", "longitude"], name="expenses_restaurant_owner_geo"),
        ]
        constraints = [
            # Identity (expenses/restaurant_selectors.py): the place id when there is one, else the name and the
            # address (line 1, city, postal code, country), case ignored; the service squashes the whitespace.
            # Blank parts are '' rather than NULL, so "Food Truck" with no address can only exist once, and two
            # branches of a chain in one city, at different addresses or places, are two restaurants.
            models.UniqueConstraint(
                fields=["owner", "place_id"],
                condition=Q(place_id__isnull=False),
                name="expenses_restaurant_owner_place_unique",
                violation_error_message="You already saved this place.",
            ),
            models.UniqueConstraint(
                "owner",
                Lower("name"),
                Lower("address_line_1"),
                Lower("city"),
                Lower("postal_code"),
                "country",
                condition=Q(place_id__isnull=True),
                name="expenses_restaurant_owner_name_address_unique",
                violation_error_message="You already have a restaurant with this name at this address.",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="expenses_restaurant_name_not_blank"),
            models.CheckConstraint(
                condition=Q(price_level__isnull=True) | Q(price_level__gte=0, price_level__lte=4),
                name="expenses_restaurant_price_level_range",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="expenses_restaurant_rating_range",
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        brand = self.merchant.short_name if self.merchant_id and self.merchant.short_name else self.name
        return self.display_name_of(brand, self.location_name)

    @staticmethod
    def display_name_of(brand: str, location_name: str | None) -> str:
        """The name shown for a restaurant: its brand (`brand_of`), then its location when it has one."""
        return f"{brand} - {location_name}" if location_name else brand

    @staticmethod
    def brand_of(path: str) -> Coalesce:
        """`display_name`'s brand as an SQL expression, for the restaurant at `path` ("restaurant__" from an
        expense): the merchant's short name when it has one, else the restaurant's name."""
        return Coalesce(NullIf(F(f"{path}merchant__short_name"), Value("")), F(f"{path}name"))
