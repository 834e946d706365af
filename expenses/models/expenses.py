"""Expenses, their tags, the exchange rates that convert them and their approval trail."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from accounts.validators import validate_currency
from expenses.choices import BUSINESS_STATUSES, ExpenseStatus, MealType, OrderType, PaymentMethod, RateSource
from expenses.models.catalog import Category, Restaurant, Tag
from expenses.models.fields import MONEY
from mealtracker.money import per_person


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
    fees = models.DecimalField(**MONEY, default=Decimal("0.00"), help_text="Service charge, delivery and other fees.")
    currency = models.CharField(max_length=3, validators=[validate_currency])
    reporting_amount = models.DecimalField(**MONEY, help_text="Amount in the reporting currency.")
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=8, default=Decimal(1))
    # Dual-amount entry (expenses/services/currency.py): what the card charged, in the card's currency, and what
    # that implies: the rate's source and date, and the card's fee over the stored rate of the day.
    charged_amount = models.DecimalField(**MONEY, null=True, blank=True, help_text="What the card charged.")
    charged_currency = models.CharField(max_length=3, blank=True, validators=[validate_currency])
    card_fee = models.DecimalField(**MONEY, null=True, blank=True, help_text="In the charged currency.")
    rate_source = models.CharField(max_length=10, choices=RateSource.choices, default=RateSource.SAME)
    rate_date = models.DateField(null=True, blank=True, help_text="The day of the rate used.")
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices, blank=True)
    notes = models.TextField(blank=True)
    is_business = models.BooleanField(default=False)
    business_purpose = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ExpenseStatus.choices, default=ExpenseStatus.RECORDED)
    report = models.ForeignKey(
        "expenses.ExpenseReport", on_delete=models.SET_NULL, null=True, blank=True, related_name="lines"
    )
    batch = models.ForeignKey(
        "expenses.ReimbursementBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="expenses"
    )
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
            models.CheckConstraint(condition=Q(fees__gte=0), name="expenses_expense_fees_not_negative"),
            models.CheckConstraint(
                condition=Q(amount__gte=F("tax") + F("tip") + F("fees")), name="expenses_expense_charges_within_amount"
            ),
            models.CheckConstraint(
                condition=Q(party_size__gte=1, party_size__lte=50), name="expenses_expense_party_size_range"
            ),
            models.CheckConstraint(
                condition=Q(reporting_amount__gt=0), name="expenses_expense_reporting_amount_positive"
            ),
            models.CheckConstraint(condition=Q(exchange_rate__gt=0), name="expenses_expense_rate_positive"),
            models.CheckConstraint(
                condition=Q(charged_amount__isnull=True) | Q(charged_amount__gt=0),
                name="expenses_expense_charged_amount_positive",
            ),
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
        """Each person's part of the amount, in the expense's currency and its minor unit (333 JPY, 16.67 USD)."""
        return per_person(self.amount, self.party_size, self.currency)

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
        for field in ("tax", "tip", "fees"):
            value = getattr(self, field)
            if value is not None and value < 0:
                errors[field] = f"The {field} cannot be negative."
        charges = (self.tax, self.tip, self.fees)
        if self.amount is not None and None not in charges and "amount" not in errors and sum(charges) > self.amount:
            errors["amount"] = "The total must include the tax, tip and fees, so it cannot be smaller than them."
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


class ApprovalEvent(models.Model):
    """One decision in an expense's approval trail; never edited once written."""

    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, related_name="approval_events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    from_status = models.CharField(max_length=20, choices=ExpenseStatus.choices)
    to_status = models.CharField(max_length=20, choices=ExpenseStatus.choices)
    # A delegate deciding while the manager is away: the decision is the delegate's, made for this manager.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"
