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
from expenses.fields import EXPENSE_FIELDS, Role
from expenses.models import ApprovalEvent, Category, Expense, Merchant, Receipt, Restaurant, Tag
from expenses.rate_selectors import rate_checks
from expenses.selectors import (
    categories_owned_by,
    expenses_visible_to,
    merchants_all,
    restaurants_owned_by,
)
from expenses.services.receipts import receipt_duplicate_notice
from expenses.services.splits import items_mismatch
from expenses.split_selectors import items_total_of
from expenses.substantiation import substantiation_gaps
from expenses.tips import tip_percent
from mealtracker.money import amount_text

MONEY = {"max_digits": 12, "decimal_places": 2}


class AmountField(serializers.DecimalField):
    """Money written out with its currency's decimals ("1000" JPY, "12.50" USD): the expense's own currency, or
    the reporting currency for an amount converted into it. Read exactly as typed: how many decimals an amount
    may have depends on its currency, and the service says so in the currency's words ("JPY takes no decimals.")."""

    def __init__(self, *, reporting: bool = False, **kwargs):
        self.reporting = reporting
        super().__init__(**MONEY, **kwargs)

    def validate_precision(self, value):
        if value.adjusted() + 1 > self.max_whole_digits:
            self.fail("max_whole_digits", max_whole_digits=self.max_whole_digits)
        return value

    def quantize(self, value):
        return value  # never round what was typed: too many decimals is an error, not a rounding

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        if value is None:
            return None
        return value, settings.REPORTING_CURRENCY if self.reporting else instance.currency

    def to_representation(self, value):
        amount, currency = value
        return amount_text(amount, currency)


class WallClockDateTimeField(serializers.DateTimeField):
    """ISO 8601 with or without an offset. Without one, the time is the owner's wall-clock time (the expense
    service places it in the owner's timezone), never UTC: 19:45 typed by a New Yorker is 19:45 in New York."""

    def enforce_timezone(self, value):
        return value if value.tzinfo is None else super().enforce_timezone(value)


@extend_schema_field({"type": "array", "items": {"type": "string", "maxLength": 50}})
class TagNamesField(serializers.Field):
    """Tags by name: read as a list of names, written as names (unknown ones are created for the owner)."""

    def to_representation(self, value):
        return [tag.name for tag in value.all()]

    def to_internal_value(self, data):
        if not isinstance(data, list) or not all(isinstance(name, str) and len(name) <= 50 for name in data):
            raise serializers.ValidationError("Give a list of tag names of at most 50 characters each.")
        return data


class AttendeeSerializer(serializers.Serializer):
    """A colleague (`user`, one of the owner's team) or a guest (`name`, `company`, `relationship`)."""

    id = serializers.IntegerField(read_only=True)
    user = serializers.IntegerField(
        required=False, allow_null=True, help_text="A colleague: the id of a user of the meal owner's team."
    )
    name = serializers.CharField(required=False, allow_blank=True, max_length=150, help_text="A guest's name.")
    company = serializers.CharField(required=False, allow_blank=True, max_length=150, default="")
    relationship = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")

    def validate(self, attrs):
        if attrs.get("user") is None and not (attrs.get("name") or "").strip():
            raise serializers.ValidationError("Give a colleague's user id or a guest's name.")
        return attrs

    def to_representation(self, instance):
        return attendee_json(instance)


def attendee_json(attendee) -> dict:
    return {"id": attendee.pk, "user": attendee.user_id, "name": attendee.name, "company": attendee.company,
            "relationship": attendee.relationship}  # fmt: skip


class OwnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    display_name = serializers.CharField()


RATE_CHECK_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {
        "rate": {"type": "string", "format": "decimal"},
        "stored_rate": {"type": "string", "format": "decimal", "nullable": True},
        "stored_on": {"type": "string", "format": "date", "nullable": True},
        "deviation_percent": {"type": "string", "format": "decimal", "nullable": True},
        "tolerance_percent": {"type": "string", "format": "decimal"},
        "beyond_tolerance": {"type": "boolean"},
    },
    "required": ["rate", "stored_rate", "stored_on", "deviation_percent", "tolerance_percent", "beyond_tolerance"],
}

GAPS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"item": {"type": "string"}, "field": {"type": "string"}, "message": {"type": "string"}},
        "required": ["item", "field", "message"],
    },
}

# Every declared expense field (expenses/fields.py), each followed by what the API adds to it.
API_ADDITIONS = {
    "reporting_amount": ["reporting_currency"],
    "party_size": ["per_person_amount", "anonymous_covers"],
    "category": ["category_name"],
    "restaurant": ["restaurant_name"],
    "updated_at": ["receipt_count", "tip_percent", "missing_substantiation"],
    "exchange_rate": ["exchange_rate_check"],
    "fees": ["items_total", "bill_mismatch"],
}
EXPENSE_API_FIELDS = [name for field in EXPENSE_FIELDS for name in (field.name, *API_ADDITIONS.get(field.name, ()))]


class ExpenseSerializer(serializers.ModelSerializer):
    owner = OwnerSerializer(read_only=True)
    restaurant = serializers.PrimaryKeyRelatedField(queryset=Restaurant.objects.none(), allow_null=True, required=False)
    restaurant_name = serializers.CharField(source="restaurant.display_name", read_only=True, allow_null=True)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.none(), allow_null=True, required=False)
    category_name = serializers.CharField(source="category.name", read_only=True, allow_null=True)
    tags = TagNamesField(required=False)
    attendees = AttendeeSerializer(
        many=True, required=False, help_text="Colleagues and guests; the party size counts them and the owner."
    )
    amount = AmountField(help_text="Total paid, tax and tip included (> 0).")
    tax = AmountField(min_value=Decimal(0), required=False)
    tip = AmountField(min_value=Decimal(0), required=False)
    fees = AmountField(min_value=Decimal(0), required=False, help_text="Service charge, delivery and other fees.")
    items_total = serializers.SerializerMethodField(help_text="The sum of the bill's line items; null without items.")
    bill_mismatch = serializers.SerializerMethodField(
        help_text="With line items: items + tax + tip + fees - amount (0 when the bill adds up; shown, never "
        "corrected). Null without items."
    )
    currency = serializers.CharField(max_length=3, required=False, help_text="ISO 4217; defaults to the user's.")
    party_size = serializers.IntegerField(min_value=1, max_value=50, required=False)
    occurred_at = WallClockDateTimeField(
        help_text="When the meal happened. Without a UTC offset it is read in the owner's timezone; "
        "answers carry the owner's offset."
    )
    exchange_rate = serializers.DecimalField(
        max_digits=18, decimal_places=8, required=False, help_text="Rate to the reporting currency you were charged."
    )
    charged_amount = serializers.DecimalField(
        **MONEY, required=False, allow_null=True,
        help_text="For a meal in another currency: what the card charged, in the card's currency. The rate is then "
        "derived from it (rate_source `card`) and the card fee worked out against the stored rate of the day.",
    )  # fmt: skip
    charged_currency = serializers.CharField(
        max_length=3, required=False, allow_blank=True, help_text="The card's currency (ISO 4217); defaults to yours."
    )
    reporting_amount = AmountField(reporting=True, read_only=True)
    reporting_currency = serializers.SerializerMethodField()
    exchange_rate_check = serializers.SerializerMethodField(
        help_text="For a meal in another currency: its rate against the stored rate of its day, flagged when further "
        "apart than the configured tolerance (for the approver). Null for a meal in the reporting currency."
    )
    per_person_amount = AmountField(read_only=True, help_text="Amount / party size in the expense's currency.")
    anonymous_covers = serializers.SerializerMethodField(help_text="People at the table neither the owner nor named.")
    tip_percent = serializers.SerializerMethodField(help_text="The tip as a percentage of the pre-tax subtotal.")
    missing_substantiation = serializers.SerializerMethodField(
        help_text="What a business meal lacks before submitting: who, when, where, why, how much, receipt."
    )
    receipt_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Expense
        fields = EXPENSE_API_FIELDS
        read_only_fields = [f.name for f in EXPENSE_FIELDS if f.role is Role.RECORDED and f.name not in {"id", "owner"}]

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

    def get_anonymous_covers(self, expense) -> int:
        return max(0, expense.party_size - 1 - len(_attendees(expense)))

    @extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
    def get_tip_percent(self, expense) -> str | None:
        rate = tip_percent(expense)
        return None if rate is None else f"{rate:f}"

    @extend_schema_field(GAPS_SCHEMA)
    def get_missing_substantiation(self, expense) -> list:
        return [{"item": gap.item, "field": gap.field, "message": gap.message} for gap in substantiation_gaps(expense)]

    def get_reporting_currency(self, expense) -> str:
        return settings.REPORTING_CURRENCY

    @extend_schema_field(RATE_CHECK_SCHEMA)
    def get_exchange_rate_check(self, expense) -> dict | None:
        # A list page attaches its meals' checks from one query (ExpenseViewSet.list); a single meal looks its up.
        check = expense.rate_check if hasattr(expense, "rate_check") else rate_checks([expense]).get(expense.pk)
        return check.as_json() if check else None

    @extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
    def get_items_total(self, expense) -> str | None:
        return bill_figures(expense)["items_total"]

    @extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
    def get_bill_mismatch(self, expense) -> str | None:
        return bill_figures(expense)["bill_mismatch"]

    def validate_amount(self, value):
        if value <= 0:
            raise serializers.ValidationError("The amount must be greater than zero.")
        return value

    def validate_charged_currency(self, value):
        return value.strip().upper()  # the conversion service checks the code and names the field

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
        owner = instance.owner
        restaurant_name, category_name = _listed_names(instance)
        tag_names = getattr(instance, "listed_tag_names", None)  # read by with_listed_relations
        return {
            "id": instance.id,
            # Shown in the owner's timezone, with its offset: a lunch at 12:30 in Paris reads 12:30+01:00.
            "occurred_at": instance.occurred_at.astimezone(_zone(owner.timezone)).isoformat(),
            "cleared_on": instance.cleared_on.isoformat() if instance.cleared_on else None,
            "amount": amount_text(instance.amount, instance.currency),
            "currency": instance.currency,
            "tax": amount_text(instance.tax, instance.currency),
            "tip": amount_text(instance.tip, instance.currency),
            "reporting_amount": amount_text(instance.reporting_amount, settings.REPORTING_CURRENCY),
            "reporting_currency": settings.REPORTING_CURRENCY,
            "exchange_rate": _decimal(instance.exchange_rate, RATE_PLACES),
            "exchange_rate_check": self.get_exchange_rate_check(instance),
            "meal_type": instance.meal_type,
            "order_type": instance.order_type,
            "party_size": instance.party_size,
            "per_person_amount": amount_text(instance.per_person_amount, instance.currency),
            "anonymous_covers": self.get_anonymous_covers(instance),
            "payment_method": instance.payment_method,
            "category": instance.category_id,
            "category_name": category_name,
            "tags": [tag.name for tag in instance.tags.all()] if tag_names is None else tag_names,
            "restaurant": instance.restaurant_id,
            "restaurant_name": restaurant_name,
            "notes": instance.notes,
            "is_business": instance.is_business,
            "business_purpose": instance.business_purpose,
            "attendees": [attendee_json(attendee) for attendee in _attendees(instance)],
            "status": instance.status,
            "owner": {"id": owner.id, "email": owner.email, "display_name": owner.display_name},
            "version": instance.version,
            "created_at": _utc(instance.created_at),
            "updated_at": _utc(instance.updated_at),
            "receipt_count": getattr(instance, "receipt_count", 0),
            "tip_percent": self.get_tip_percent(instance),
            "missing_substantiation": self.get_missing_substantiation(instance),
            "charged_amount": _charged(instance, instance.charged_amount),
            "charged_currency": instance.charged_currency,
            "card_fee": _charged(instance, instance.card_fee),
            "rate_source": instance.rate_source,
            "rate_date": instance.rate_date.isoformat() if instance.rate_date else None,
            **bill_figures(instance),
        }


RATE_PLACES = Decimal("0.00000001")


def bill_figures(expense) -> dict:
    """Fees, the items' sum and how far the bill is from adding up (`items_total` annotated on lists)."""
    items_total = expense.items_total if hasattr(expense, "items_total") else items_total_of(expense)
    mismatch = items_mismatch(expense, items_total)
    return {
        "fees": amount_text(expense.fees, expense.currency),
        "items_total": amount_text(items_total, expense.currency),
        "bill_mismatch": amount_text(mismatch, expense.currency),
    }


def _charged(expense, amount: Decimal | None) -> str | None:
    """An amount in the card's currency (dual-amount entry), with that currency's decimals."""
    return None if amount is None or not expense.charged_currency else amount_text(amount, expense.charged_currency)


def _listed_names(expense) -> tuple[str | None, str | None]:
    """The restaurant's and the category's names: columns of `with_listed_columns`, or read from the related rows."""
    if hasattr(expense, "listed_category_name"):
        brand = expense.listed_restaurant_brand
        restaurant = None if brand is None else Restaurant.display_name_of(brand, expense.listed_restaurant_location)
        return restaurant, expense.listed_category_name
    restaurant, category = expense.restaurant, expense.category
    return (
        restaurant.display_name if restaurant is not None else None,
        category.name if category is not None else None,
    )


def _attendees(expense) -> list:
    listed = getattr(expense, "listed_attendees", None)  # read by with_listed_relations
    return listed if listed is not None else list(expense.attendees.all())


def _decimal(value: Decimal | None, places: Decimal) -> str | None:
    return None if value is None else f"{value.quantize(places):f}"


def _utc(moment):
    text = moment.astimezone(datetime.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


class DecisionCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RejectSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, help_text="Why the expense is rejected (required).")


class ApprovalEventSerializer(serializers.ModelSerializer):
    actor = serializers.EmailField(source="actor.email", read_only=True, allow_null=True)
    on_behalf_of = serializers.EmailField(
        source="on_behalf_of.email", read_only=True, allow_null=True, default=None,
        help_text="The away manager a delegate decided for.",
    )  # fmt: skip

    class Meta:
        model = ApprovalEvent
        fields = ["id", "actor", "on_behalf_of", "from_status", "to_status", "comment", "created_at"]


class ExpenseTotalsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    total = AmountField(reporting=True)
    average_per_person = AmountField(reporting=True)
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
    thumbnail_url = serializers.SerializerMethodField(
        help_text="The download's JPEG thumbnail (`?thumbnail=1`); null when the receipt has none (PDFs)."
    )

    class Meta:
        model = Receipt
        fields = [
            "id", "expense", "file", "original_name", "content_type", "size", "sha256", "download_url",
            "thumbnail_url",
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

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_thumbnail_url(self, receipt) -> str | None:
        if not receipt.thumbnail:
            return None
        return self.get_download_url(receipt) + "?thumbnail=1"


class ReceiptDuplicateSerializer(serializers.Serializer):
    receipt = serializers.IntegerField(help_text="The earlier receipt with the same bytes.")
    expense = serializers.IntegerField(help_text="The meal it is attached to.")
    message = serializers.CharField(help_text="What the web page shows: which meal already has this receipt.")


class ReceiptUploadSerializer(ReceiptSerializer):
    """An upload's answer: the receipt, and whether the same file is already on one of the owner's meals."""

    duplicate_of = serializers.SerializerMethodField(
        help_text="Set when the same file (sha256) is already attached to one of the owner's meals; it is "
        "attached again all the same."
    )

    class Meta(ReceiptSerializer.Meta):
        fields = [*ReceiptSerializer.Meta.fields, "duplicate_of"]

    @extend_schema_field(ReceiptDuplicateSerializer(allow_null=True))
    def get_duplicate_of(self, receipt) -> dict | None:
        earlier = getattr(receipt, "duplicate_of", None)
        if earlier is None:
            return None
        return {"receipt": earlier.pk, "expense": earlier.expense_id, "message": receipt_duplicate_notice(receipt)}
