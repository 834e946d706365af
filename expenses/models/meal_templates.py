"""Favourite meals (templates logged with one tap) and their optional schedule, whose occurrences wait for the
owner to confirm them before they become expenses."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.validators import validate_currency
from expenses.choices import MealType, OrderType, PaymentMethod
from expenses.models.catalog import Category, Restaurant
from expenses.models.expenses import Expense
from expenses.models.fields import MONEY


class Repeat(models.TextChoices):
    NEVER = "", "Not scheduled"
    DAILY = "daily", "Every day"
    WEEKDAYS = "weekdays", "Monday to Friday"
    WEEKLY = "weekly", "Weekly, on chosen days"
    MONTHLY = "monthly", "Monthly, on a day of the month"


class MealTemplate(models.Model):
    """A meal to log again and again ("coffee, 4.50 USD at Blue Door"). With a schedule it is a recurring meal:
    each occurrence (a local date and time in the owner's timezone) waits in PendingMeal for confirmation."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meal_templates")
    name = models.CharField(max_length=100)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, validators=[validate_currency])
    restaurant = models.ForeignKey(Restaurant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    meal_type = models.CharField(max_length=20, choices=MealType.choices, default=MealType.OTHER)
    order_type = models.CharField(max_length=20, choices=OrderType.choices, default=OrderType.DINE_IN)
    party_size = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(50)])
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices, blank=True)
    tags = models.CharField(max_length=500, blank=True, help_text="Tag names, comma-separated.")
    notes = models.TextField(blank=True)
    repeat = models.CharField(max_length=10, choices=Repeat.choices, blank=True, default=Repeat.NEVER)
    weekdays = models.CharField(
        max_length=20, blank=True, help_text="Weekly: ISO weekdays, comma-separated (1 Monday … 7 Sunday)."
    )
    day_of_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text="Monthly: the day; a shorter month uses its last day.",
    )  # fmt: skip
    time_of_day = models.TimeField(null=True, blank=True, help_text="Local time of each occurrence.")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True, help_text="A paused schedule creates nothing.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expenses_mealtemplate_amount_positive"),
            models.CheckConstraint(
                condition=Q(party_size__gte=1, party_size__lte=50), name="expenses_mealtemplate_party_size_range"
            ),
            models.CheckConstraint(
                condition=Q(repeat="") | Q(time_of_day__isnull=False, starts_on__isnull=False),
                name="expenses_mealtemplate_schedule_complete",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_recurring(self) -> bool:
        return bool(self.repeat)

    @property
    def weekday_numbers(self) -> list[int]:
        return [int(day) for day in self.weekdays.split(",") if day.strip().isdigit()]


class PendingStatus(models.TextChoices):
    PENDING = "pending", "To confirm"
    CONFIRMED = "confirmed", "Confirmed"
    DISCARDED = "discarded", "Discarded"


class PendingMeal(models.Model):
    """One occurrence of a recurring meal, waiting to be confirmed (then it is an expense) or discarded. Kept after
    either, so the schedule never offers the same occurrence twice."""

    template = models.ForeignKey(MealTemplate, on_delete=models.CASCADE, related_name="occurrences")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_meals")
    occurs_on = models.DateField(help_text="The local date of the occurrence, in the owner's timezone.")
    occurred_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=PendingStatus.choices, default=PendingStatus.PENDING)
    expense = models.OneToOneField(
        Expense, on_delete=models.SET_NULL, null=True, blank=True, related_name="recurring_occurrence"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["owner", "status", "occurred_at"], name="expenses_pendingmeal_todo")]
        constraints = [
            models.UniqueConstraint(fields=["template", "occurs_on"], name="expenses_pendingmeal_one_per_day"),
        ]

    def __str__(self):
        return f"{self.template_id} on {self.occurs_on}"
