"""Loyalty and rewards programmes, the user's memberships and which brand earns in which programme."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from expenses.loyalty.fields import EncryptedTextField
from expenses.models.catalog import Merchant
from expenses.models.fields import MONEY


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
