"""Input and output shapes of the expenses API. Money is a decimal string with its currency."""

import datetime
import functools
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.validators import validate_currency
from expenses.models import ApprovalEvent, Category, Expense, Merchant, Receipt, Restaurant, Tag
from expenses.selectors import (
    categories_owned_by,
    expenses_visible_to,
    merchants_all,
    restaurants_owned_by,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


@extend_schema_field({"type": "array", "items": {"type": "string", "maxLength": 50}})
class TagNamesField(serializers.Field):
    """Tags by name: read as a list of names, written as names (unknown ones are created for the owner)."""

    def to_representation(self, value):
        return [tag.name for tag in value.all()]

    def to_internal_value(self, data):
        if not isinstance(data, list) or not all(isinstance(name, str) and len(name) <= 50 for name in data):
            raise serializers.ValidationError("Give a list of tag names of at most 50 characters each.")
        return data


class OwnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()


class ExpenseSerializer(serializers.ModelSerializer):
    owner = OwnerSerializer(read_only=True)
    restaurant = serializers.PrimaryKeyRelatedField(queryset=Restaurant.objects.none(), allow_null=True, required=False)
    restaurant_name = serializers.CharField(source="restaurant.display_name", read_only=True, allow_null=True)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.none(), allow_null=True, required=False)
    category_name = serializers.CharField(source="category.name", read_only=True, allow_null=True)
    tags = TagNamesField(required=False)
    amount = serializers.DecimalField(**MONEY, help_text="Total paid, tax and tip included (> 0).")
    tax = serializers.DecimalField(**MONEY, min_value=Decimal(0), required=False)
    tip = serializers.DecimalField(**MONEY, min_value=Decimal(0), required=False)
    currency = serializers.CharField(max_length=3, required=False, help_text="ISO 4217; defaults to the user's.")
    party_size = serializers.IntegerField(min_value=1, max_value=50, required=False)
    exchange_rate = serializers.DecimalField(
        max_digits=18, decimal_places=8, required=False, help_text="Rate to the reporting currency you were charged."
    )
    reporting_amount = serializers.DecimalField(**MONEY, read_only=True)
    reporting_currency = serializers.SerializerMethodField()
    per_person_amount = serializers.DecimalField(**MONEY, read_only=True)
    receipt_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Expense
        fields = [
            "id", "owner", "restaurant", "restaurant_name", "category", "category_name", "tags", "occurred_at",
            "cleared_on", "meal_type", "order_type", "party_size", "amount", "tax", "tip", "currency",
            "per_person_amount", "reporting_amount", "reporting_currency", "exchange_rate", "payment_method",
            "notes", "is_business", "business_purpose", "attendees", "status", "version", "receipt_count",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["status", "version", "created_at", "updated_at"]

    def get_fields(self):
        # Built only when input is validated (reads use `to_representation` below, which needs no fields).
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            # Foreign keys resolve only among the owner's own objects: anything else is a 400 on that field.
            owner = self.instance.owner if isinstance(self.instance, Expense) else request.user
            fields["restaurant"].queryset = restaurants_owned_by(owner)
            fields["category"].queryset = categories_owned_by(owner)
        return fields

    def get_reporting_currency(self, expense) -> str:
        return settings.REPORTING_CURRENCY

    def validate_amount(self, value):
        if value <= 0:
            raise serializers.ValidationError("The amount must be greater than zero.")
        return value

    def validate_currency(self, value):
        value = value.strip().upper()
        try:
            validate_currency(value)
        except Exception as exc:  # Django's ValidationError, re-raised as a field error
            raise serializers.ValidationError(f"{value} is not a supported ISO 4217 currency code.") from exc
        return value

    def to_representation(self, instance):
        """The fields above, written out directly: DRF's field-by-field walk took half of a list page's time
        (docs/performance.md). A test holds this equal to DRF's own rendering of the declared fields."""
        owner, restaurant, category = instance.owner, instance.restaurant, instance.category
        tags = getattr(instance, "listed_tags", None)  # prefetched by expenses_listed_for
        return {
            "id": instance.id,
            "owner": {"id": owner.id, "email": owner.email, "display_name": owner.display_name},
            "restaurant": instance.restaurant_id,
            "restaurant_name": restaurant.display_name if restaurant is not None else None,
            "category": instance.category_id,
            "category_name": category.name if category is not None else None,
            "tags": [tag.name for tag in (instance.tags.all() if tags is None else tags)],
            # Shown in the owner's timezone, with its offset: a lunch at 12:30 in Paris reads 12:30+01:00.
            "occurred_at": instance.occurred_at.astimezone(_zone(owner.timezone)).isoformat(),
            "cleared_on": instance.cleared_on.isoformat() if instance.cleared_on else None,
            "meal_type": instance.meal_type,
            "order_type": instance.order_type,
            "party_size": instance.party_size,
            "amount": _decimal(instance.amount, CENTS),
            "tax": _decimal(instance.tax, CENTS),
            "tip": _decimal(instance.tip, CENTS),
            "currency": instance.currency,
            "per_person_amount": _decimal(instance.per_person_amount, CENTS),
            "reporting_amount": _decimal(instance.reporting_amount, CENTS),
            "reporting_currency": settings.REPORTING_CURRENCY,
            "exchange_rate": _decimal(instance.exchange_rate, RATE_PLACES),
            "payment_method": instance.payment_method,
            "notes": instance.notes,
            "is_business": instance.is_business,
            "business_purpose": instance.business_purpose,
            "attendees": instance.attendees,
            "status": instance.status,
            "version": instance.version,
            "receipt_count": getattr(instance, "receipt_count", 0),
            "created_at": _utc(instance.created_at),
            "updated_at": _utc(instance.updated_at),
        }


CENTS = Decimal("0.01")
RATE_PLACES = Decimal("0.00000001")


def _decimal(value: Decimal | None, places: Decimal) -> str | None:
    return None if value is None else f"{value.quantize(places):f}"


def _utc(moment):
    text = moment.astimezone(datetime.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RejectSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, help_text="Why the expense is rejected (required).")


class ApprovalEventSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor.email", read_only=True, allow_null=True)

    class Meta:
        model = ApprovalEvent
        fields = ["id", "actor", "from_status", "to_status", "comment", "created_at"]


class ExpenseTotalsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    total = serializers.DecimalField(**MONEY)
    average_per_person = serializers.DecimalField(**MONEY)
    currency = serializers.CharField()


class RestaurantSerializer(serializers.ModelSerializer):
    merchant = serializers.PrimaryKeyRelatedField(queryset=merchants_all(), allow_null=True, required=False)
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Restaurant
        fields = [
            "id", "name", "display_name", "merchant", "location_name", "located_within", "cuisine", "service_level",
            "price_level", "address_line_1", "address_line_2", "city", "region", "postal_code", "country", "phone",
            "website", "latitude", "longitude", "place_id", "rating", "notes", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        validators = []  # uniqueness is the service's rule (a 409 naming the field)


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "description", "color", "icon", "is_default", "created_at"]
        read_only_fields = ["is_default", "created_at"]
        validators = []


class TagSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=50, help_text="Spaces become hyphens; letters, digits, hyphens stay.")

    class Meta:
        model = Tag
        fields = ["id", "name", "color", "description", "created_at"]
        read_only_fields = ["created_at"]
        validators = []


class MerchantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Merchant
        fields = [
            "id", "name", "short_name", "website", "description", "favicon_url", "format_category", "cuisine",
            "service_level", "is_chain", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        validators = []


class ReceiptSerializer(serializers.ModelSerializer):
    expense = serializers.PrimaryKeyRelatedField(queryset=Expense.objects.none())
    file = serializers.FileField(write_only=True, help_text="JPEG, PNG, WebP, HEIC or PDF.")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Receipt
        fields = [
            "id", "expense", "file", "original_name", "content_type", "size", "sha256", "download_url",
            "created_at", "ocr_total", "ocr_tax", "ocr_tip", "ocr_date", "ocr_merchant_name", "ocr_confidence",
        ]  # fmt: skip
        read_only_fields = [
            "original_name", "content_type", "size", "sha256", "created_at", "ocr_total", "ocr_tax", "ocr_tip",
            "ocr_date", "ocr_merchant_name", "ocr_confidence",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["expense"].queryset = expenses_visible_to(request.user)

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, receipt) -> str:
        path = reverse("expenses_api:receipt-download", kwargs={"pk": receipt.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path
