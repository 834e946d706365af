"""Names a restaurant or a merchant was also known by, kept when duplicates are merged into it.

Matching (imports, receipt reading, search) looks here after the live names, so a merged venue is found under any
of its old names and the same place never splits into two restaurants again.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from expenses.models.catalog import Merchant, Restaurant


class RestaurantAlias(models.Model):
    """A former identity (name and address, and place id if it had one) of one of the owner's restaurants."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restaurant_aliases")
    restaurant = models.ForeignKey(Restaurant, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=100)
    address_line_1 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True)
    place_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "restaurant aliases"
        indexes = [models.Index("owner", Lower("name"), name="expenses_restaurantalias_name")]
        constraints = [
            models.UniqueConstraint(
                "owner",
                Lower("name"),
                Lower("address_line_1"),
                Lower("city"),
                Lower("postal_code"),
                "country",
                "place_id",
                name="expenses_restaurantalias_owner_identity_unique",
            ),
        ]

    def __str__(self):
        return f"{self.name} → {self.restaurant_id}"


class MerchantAlias(models.Model):
    """A former name of a catalogue merchant (brand), kept by a merchant merge."""

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "merchant aliases"
        constraints = [models.UniqueConstraint(Lower("name"), name="expenses_merchantalias_name_unique")]

    def __str__(self):
        return f"{self.name} → {self.merchant_id}"
