"""Meal policies: a team's limit per attendee for a meal type, and the verdict on each business meal."""

from django.db import models
from django.db.models import Q

from accounts.models import Team
from accounts.validators import validate_currency
from expenses.choices import MealType
from expenses.models.expenses import Expense
from expenses.models.fields import MONEY


class PolicyBasis(models.TextChoices):
    # Companies write limits "per attendee, excluding tax and tip": the subtotal is the default.
    SUBTOTAL = "subtotal", "Subtotal (before tax and tip)"
    TOTAL = "total", "Total (tax and tip included)"


class MealPolicy(models.Model):
    """A team's maximum per attendee for one meal type; business meals above it are flagged, not refused."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="meal_policies")
    meal_type = models.CharField(max_length=20, choices=MealType.choices)
    max_per_person = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, validators=[validate_currency])
    basis = models.CharField(
        max_length=10,
        choices=PolicyBasis.choices,
        default=PolicyBasis.SUBTOTAL,
        help_text="What the limit per attendee is measured on.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reports_mealpolicy"  # created by the reports app before policies moved next to expenses
        ordering = ["team", "meal_type"]
        verbose_name_plural = "meal policies"
        constraints = [
            models.UniqueConstraint(fields=["team", "meal_type"], name="reports_mealpolicy_team_meal_unique"),
            models.CheckConstraint(condition=Q(max_per_person__gt=0), name="reports_mealpolicy_max_positive"),
            models.CheckConstraint(condition=Q(basis__in=PolicyBasis.values), name="expenses_mealpolicy_basis_valid"),
        ]

    def __str__(self):
        return (
            f"{self.team}: {self.get_meal_type_display()} ≤ {self.max_per_person} {self.currency} per attendee "
            f"({self.basis})"
        )


class PolicyFlag(models.Model):
    """The verdict that a business meal is over its team's policy, as the expense and the policy stand now.

    Derived: the expense services rewrite it on every change of the expense or of the policy."""

    expense = models.OneToOneField(Expense, on_delete=models.CASCADE, related_name="policy_flag")
    policy = models.ForeignKey(MealPolicy, on_delete=models.SET_NULL, null=True, related_name="flags")
    basis = models.CharField(max_length=10, choices=PolicyBasis.choices, default=PolicyBasis.SUBTOTAL)
    limit_per_person = models.DecimalField(**MONEY)
    per_person = models.DecimalField(**MONEY)
    over_by = models.DecimalField(**MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "reports_policyflag"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Expense {self.expense_id} over policy by {self.over_by} ({self.basis})"
