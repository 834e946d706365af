"""The expense domain's models, one module per subdomain; import them from here."""

from expenses.models.aliases import MerchantAlias, RestaurantAlias
from expenses.models.attendees import Attendee
from expenses.models.catalog import Category, Merchant, Restaurant, Tag
from expenses.models.conversation import Comment, EmailState, Notification
from expenses.models.expenses import ApprovalEvent, ExchangeRate, Expense, ExpenseTag
from expenses.models.fields import MONEY, validate_colour
from expenses.models.history import ChangeSource, ExpenseChange
from expenses.models.loyalty import MerchantRewardsLink, RewardsMembership, RewardsProgram
from expenses.models.meal_templates import MealTemplate, PendingMeal, PendingStatus, Repeat
from expenses.models.policies import MealPolicy, PolicyBasis, PolicyFlag
from expenses.models.receipts import Receipt, ReceiptReading, receipt_storage_key, receipt_thumbnail_key
from expenses.models.reports import (
    BatchStatus,
    BundleStatus,
    ExpenseReport,
    ReimbursementBatch,
    ReportBasis,
    ReportBundle,
    ReportStatus,
)
from expenses.models.splits import LineItem, Settlement, Share, Split, SplitMethod
from expenses.models.trips import PerDiemRate, Trip, TripMealsProvided
from expenses.models.webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint

__all__ = [
    "MONEY",
    "ApprovalEvent",
    "Attendee",
    "BatchStatus",
    "BundleStatus",
    "Category",
    "ChangeSource",
    "Comment",
    "DeliveryStatus",
    "EmailState",
    "ExchangeRate",
    "Expense",
    "ExpenseChange",
    "ExpenseReport",
    "ExpenseTag",
    "LineItem",
    "MealPolicy",
    "MealTemplate",
    "Merchant",
    "MerchantAlias",
    "MerchantRewardsLink",
    "Notification",
    "PendingMeal",
    "PendingStatus",
    "PerDiemRate",
    "PolicyBasis",
    "PolicyFlag",
    "Receipt",
    "ReceiptReading",
    "ReimbursementBatch",
    "Repeat",
    "ReportBasis",
    "ReportBundle",
    "ReportStatus",
    "Restaurant",
    "RestaurantAlias",
    "RewardsMembership",
    "RewardsProgram",
    "Settlement",
    "Share",
    "Split",
    "SplitMethod",
    "Tag",
    "Trip",
    "TripMealsProvided",
    "WebhookDelivery",
    "WebhookEndpoint",
    "receipt_storage_key",
    "receipt_thumbnail_key",
    "validate_colour",
]
