import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from accounts.validators import validate_currency
from expenses.choices import (
    BUSINESS_STATUSES,
    ExpenseStatus,
    MealType,
    MerchantFormat,
    OrderType,
    PaymentMethod,
    ServiceLevel,
)
from expenses.loyalty.fields import EncryptedTextField

MONEY = {"max_digits": 12, "decimal_places": 2}
validate_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Use a hex colour such as #1a2b3c.")


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
            # City is '' rather than NULL when unknown, so "Cafe X" with no city can only exist once.
            models.UniqueConstraint(
                "owner", Lower("name"), Lower("city"), name="expenses_restaurant_owner_name_city_unique"
            ),
            models.UniqueConstraint(
                fields=["owner", "place_id"],
                condition=Q(place_id__isnull=False),
                name="expenses_restaurant_owner_place_unique",
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
        return f"{brand} - {self.location_name}" if self.location_name else brand


class ExchangeRate(models.Model):
    """Units of the reporting currency that one unit of `currency` bought on `date`."""

    date = models.DateField()
    currency = models.CharField(max_length=3, validators=[validate_currency])
    rate = models.DecimalField(max_digits=18, decimal_places=8)
    source = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["-date", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "date"], name="expenses_exchangerate_currency_date_unique"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="expenses_exchangerate_rate_positive"),
        ]

    def __str__(self):
        return f"{self.currency} {self.date}: {self.rate}"


class Expense(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expenses")
    restaurant = models.ForeignKey(
        Restaurant, on_delete=models.SET_NULL, null=True, blank=True, related_name="expenses"
    )
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="expenses")
    tags = models.ManyToManyField(Tag, through="ExpenseTag", related_name="expenses", blank=True)
    occurred_at = models.DateTimeField(help_text="When the meal happened; shown in the owner's timezone.")
    cleared_on = models.DateField(null=True, blank=True, help_text="Date the charge cleared the bank.")
    meal_type = models.CharField(max_length=20, choices=MealType.choices, default=MealType.OTHER)
    order_type = models.CharField(max_length=20, choices=OrderType.choices, default=OrderType.DINE_IN)
    party_size = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(50)])
    amount = models.DecimalField(**MONEY, help_text="Total paid, tax and tip included.")
    tax = models.DecimalField(**MONEY, default=Decimal("0.00"))
    tip = models.DecimalField(**MONEY, default=Decimal("0.00"))
    currency = models.CharField(max_length=3, validators=[validate_currency])
    reporting_amount = models.DecimalField(**MONEY, help_text="Amount in the reporting currency.")
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=8, default=Decimal(1))
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices, blank=True)
    notes = models.TextField(blank=True)
    is_business = models.BooleanField(default=False)
    business_purpose = models.TextField(blank=True)
    attendees = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ExpenseStatus.choices, default=ExpenseStatus.RECORDED)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every write (optimistic locking).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        permissions = [("approve_expense", "Can approve or reject submitted expenses")]
        indexes = [
            models.Index(fields=["owner", "-occurred_at"], name="expenses_expense_owner_when"),
            models.Index(fields=["status", "occurred_at"], name="expenses_expense_status_when"),
            # A team's meals by status (the approval queue, "submitted and approved" lists and their totals),
            # answered from the index alone on PostgreSQL: the owner index read every one of the team's meals from
            # the table to find the few in those states (3.3 -> 0.7-0.9 ms at 1M rows, docs/performance.md).
            # A team's (or everyone's) list in date order: read backwards from the cursor, keeping the rows of the
            # owners asked for, from the index alone. An IN list of owners gives no single ordered range in the
            # owner index, so a page 10,000 rows down read all 10,000 (3.5 -> 0.3 ms, docs/performance.md).
            models.Index(fields=["-occurred_at", "-id"], include=["owner"], name="expenses_expense_when_owner"),
            models.Index(
                fields=["owner", "status", "-occurred_at"],
                include=["id", "is_business", "reporting_amount", "party_size"],
                name="expenses_expense_owner_status",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expenses_expense_amount_positive"),
            models.CheckConstraint(condition=Q(tax__gte=0), name="expenses_expense_tax_not_negative"),
            models.CheckConstraint(condition=Q(tip__gte=0), name="expenses_expense_tip_not_negative"),
            models.CheckConstraint(
                condition=Q(amount__gte=F("tax") + F("tip")), name="expenses_expense_tax_tip_within_amount"
            ),
            models.CheckConstraint(
                condition=Q(party_size__gte=1, party_size__lte=50), name="expenses_expense_party_size_range"
            ),
            models.CheckConstraint(
                condition=Q(reporting_amount__gt=0), name="expenses_expense_reporting_amount_positive"
            ),
            models.CheckConstraint(condition=Q(exchange_rate__gt=0), name="expenses_expense_rate_positive"),
            models.CheckConstraint(condition=Q(meal_type__in=MealType.values), name="expenses_expense_meal_type_valid"),
            models.CheckConstraint(
                condition=Q(order_type__in=OrderType.values), name="expenses_expense_order_type_valid"
            ),
            models.CheckConstraint(
                # Personal meals are simply recorded; business meals go through the approval flow.
                condition=Q(is_business=False, status=ExpenseStatus.RECORDED)
                | Q(is_business=True, status__in=BUSINESS_STATUSES),
                name="expenses_expense_status_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.amount} {self.currency} on {self.occurred_at:%Y-%m-%d}"

    @property
    def per_person_amount(self) -> Decimal:
        return (self.amount / self.party_size).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'

    def local_occurred_at(self):
        return self.occurred_at.astimezone(self.owner.tzinfo)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.amount is not None and self.amount <= 0:
            errors["amount"] = "The amount must be greater than zero."
        for field in ("tax", "tip"):
            value = getattr(self, field)
            if value is not None and value < 0:
                errors[field] = f"The {field} cannot be negative."
        if (
            self.amount is not None
            and self.tax is not None
            and self.tip is not None
            and "amount" not in errors
            and self.tax + self.tip > self.amount
        ):
            errors["amount"] = "The total must include the tax and tip, so it cannot be smaller than both."
        if self.is_business and self.status == ExpenseStatus.RECORDED:
            errors["status"] = "A business meal goes through approval; it starts as a draft."
        if not self.is_business and self.status != ExpenseStatus.RECORDED:
            errors["status"] = "Only business meals are submitted for approval."
        if errors:
            raise ValidationError(errors)


class ExpenseTag(models.Model):
    expense = models.ForeignKey(Expense, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["expense", "tag"], name="expenses_expensetag_unique")]

    def __str__(self):
        return f"{self.tag_id} on {self.expense_id}"


def receipt_storage_key(instance: "Receipt", filename: str) -> str:
    # The key never contains the user's file name: a UUID plus the extension of the sniffed type.
    extension = Receipt.EXTENSIONS.get(instance.content_type, "")
    return f"receipts/{uuid.uuid4().hex}{extension}"


def receipt_thumbnail_key(instance: "Receipt", filename: str) -> str:
    # Thumbnails are always JPEG, under their own random key.
    return f"receipts/thumbnails/{uuid.uuid4().hex}.jpg"


class Receipt(models.Model):
    EXTENSIONS = {
        "image/jpeg": ".jpg",
        "image/png": ".png",
        "image/webp": ".webp",
        "image/heic": ".heic",
        "application/pdf": ".pdf",
    }

    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, related_name="receipts")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    file = models.FileField(upload_to=receipt_storage_key, max_length=255)
    thumbnail = models.FileField(upload_to=receipt_thumbnail_key, max_length=255, blank=True)
    original_name = models.CharField(max_length=255, blank=True, help_text="Shown to the user; never a key.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ocr_total = models.DecimalField(**MONEY, null=True, blank=True)
    ocr_tax = models.DecimalField(**MONEY, null=True, blank=True)
    ocr_tip = models.DecimalField(**MONEY, null=True, blank=True)
    ocr_date = models.DateField(null=True, blank=True)
    ocr_merchant_name = models.CharField(max_length=200, blank=True)
    ocr_confidence = models.JSONField(default=dict, blank=True, help_text="Confidence per extracted field.")
    ocr_raw_text = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name or self.file.name


class ApprovalEvent(models.Model):
    """One decision in an expense's approval trail; never edited once written."""

    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, related_name="approval_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    from_status = models.CharField(max_length=20, choices=ExpenseStatus.choices)
    to_status = models.CharField(max_length=20, choices=ExpenseStatus.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class ReceiptReading(models.Model):
    """The full OCR reading of a receipt: what does not fit Receipt's ocr_* columns, and how it was read."""

    receipt = models.OneToOneField(Receipt, on_delete=models.CASCADE, related_name="reading")
    backend = models.CharField(max_length=20)
    read_at = models.DateTimeField(auto_now=True)
    subtotal = models.DecimalField(**MONEY, null=True, blank=True)
    time = models.TimeField(null=True, blank=True)
    merchant_address = models.CharField(max_length=300, blank=True)
    merchant_phone = models.CharField(max_length=30, blank=True)
    fields = models.JSONField(default=dict, blank=True, help_text="Every extracted field: value and confidence.")

    def __str__(self):
        return f"{self.backend} reading of receipt {self.receipt_id}"


class RewardsProgram(models.Model):
    """A loyalty or rewards programme the user belongs to (or tracks)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rewards_programs")
    name = models.CharField(max_length=120)
    website = models.URLField(max_length=500, blank=True)
    portal_url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("owner", Lower("name"), name="expenses_rewardsprogram_owner_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="expenses_rewardsprogram_name_not_blank"),
        ]

    def __str__(self):
        return self.name


class RewardsMembership(models.Model):
    """The user's account in a programme; the account number is encrypted at rest."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rewards_memberships")
    program = models.ForeignKey(RewardsProgram, on_delete=models.CASCADE, related_name="memberships")
    membership_email = models.EmailField(blank=True)
    membership_phone = models.CharField(max_length=30, blank=True)
    portal_username = models.CharField(max_length=150, blank=True)
    account_number = EncryptedTextField(blank=True)
    tier = models.CharField(max_length=100, blank=True)
    points_balance = models.DecimalField(**MONEY, default=Decimal("0.00"))
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program__name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "program"], name="expenses_rewardsmembership_owner_program"),
            models.CheckConstraint(
                condition=Q(points_balance__gte=0), name="expenses_rewardsmembership_points_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.program} ({self.account_number_masked or 'no number'})"

    @property
    def account_number_masked(self) -> str:
        number = self.account_number or ""
        return f"•••• {number[-4:]}" if len(number) > 4 else ("•" * len(number))


class MerchantRewardsLink(models.Model):
    """Which of the user's programmes earns at a merchant: one programme per merchant per user."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="merchant_rewards_links")
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="rewards_links")
    program = models.ForeignKey(RewardsProgram, on_delete=models.CASCADE, related_name="merchant_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["merchant__name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "merchant"], name="expenses_merchantrewardslink_owner_merchant")
        ]

    def __str__(self):
        return f"{self.merchant} → {self.program}"
