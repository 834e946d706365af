"""Line items of a bill, how a meal is split among its people, and what colleagues pay each other back."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from accounts.validators import validate_currency
from expenses.models.expenses import Expense
from expenses.models.fields import MONEY


class LineItem(models.Model):
    """One line of the bill: what was ordered, how many, and what the line cost (quantity included)."""

    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, related_name="line_items")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=200)
    quantity = models.DecimalField(max_digits=8, decimal_places=3, default=Decimal(1))
    amount = models.DecimalField(**MONEY, help_text="What the line costs, before tax, tip and fees.")

    class Meta:
        ordering = ["expense", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="expenses_lineitem_quantity_positive"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="expenses_lineitem_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.quantity:g} x {self.description}: {self.amount}"


class SplitMethod(models.TextChoices):
    ITEMS = "items", "By items"
    EVEN = "even", "Evenly"
    SHARES = "shares", "By shares"
    EXACT = "exact", "By exact amounts"


class Split(models.Model):
    """How a meal was last split; its shares are `expense.shares`. Splitting again replaces the shares."""

    expense = models.OneToOneField(Expense, on_delete=models.CASCADE, related_name="split")
    method = models.CharField(max_length=10, choices=SplitMethod.choices)
    split_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(method__in=SplitMethod.values), name="expenses_split_method_valid"),
        ]

    def __str__(self):
        return f"{self.get_method_display()} for {self.expense_id}"


class Share(models.Model):
    """One person's part of a split meal, in the meal's currency: subtotal + tax + tip + fees = total.

    `user` is the person when they have an account (the owner or a colleague; NULL for a guest). `rounding` is what
    the share pays beyond its exact fair part, to the minor unit (+0.01: a cent left over by rounding went here)."""

    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, related_name="shares")
    position = models.PositiveSmallIntegerField(default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="meal_shares"
    )
    attendee = models.ForeignKey(
        "expenses.Attendee", on_delete=models.SET_NULL, null=True, blank=True, related_name="shares"
    )
    name = models.CharField(max_length=150, help_text="Who the share is for, as shown on the split.")
    weight = models.DecimalField(max_digits=14, decimal_places=3, default=Decimal(1))
    subtotal = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY, default=Decimal(0))
    tip = models.DecimalField(**MONEY, default=Decimal(0))
    fees = models.DecimalField(**MONEY, default=Decimal(0))
    total = models.DecimalField(**MONEY)
    rounding = models.DecimalField(**MONEY, default=Decimal(0))
    reporting_total = models.DecimalField(**MONEY, help_text="The total in the reporting currency.")
    line_items = models.ManyToManyField(LineItem, blank=True, related_name="shares")

    class Meta:
        ordering = ["expense", "position", "id"]
        indexes = [models.Index(fields=["user", "expense"], name="expenses_share_user_expense")]
        constraints = [
            # total = subtotal + tax + tip + fees is kept by the split service: SQLite compares these sums as floats.
            models.CheckConstraint(
                condition=Q(tax__gte=0, tip__gte=0, fees__gte=0, total__gte=0), name="expenses_share_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.name}: {self.total}"

    @property
    def rounding_spared(self) -> Decimal:
        """A negative rounding as the amount this share was spared."""
        return -self.rounding if self.rounding < 0 else Decimal(0)


class Settlement(models.Model):
    """Money one user paid another to settle what they owe. Recorded, never edited or deleted: a correction is a
    new settlement the other way."""

    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="settlements_paid")
    payee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="settlements_received")
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, validators=[validate_currency])
    settled_on = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-settled_on", "-id"]
        indexes = [
            models.Index(fields=["payer", "payee", "currency"], name="expenses_settlement_pair"),
            models.Index(fields=["payee", "payer", "currency"], name="expenses_settlement_pair_back"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expenses_settlement_amount_positive"),
            models.CheckConstraint(condition=~Q(payer=F("payee")), name="expenses_settlement_two_people"),
        ]

    def __str__(self):
        return f"{self.payer_id} paid {self.payee_id} {self.amount} {self.currency}"
