"""API routes of the expenses app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from expenses.api import (
    attendees,
    conversation,
    expense_reports,
    loyalty,
    places,
    receipt_uploads,
    splits,
    trips,
    views,
)

app_name = "expenses_api"

router = SimpleRouter()
router.register("expenses", views.ExpenseViewSet, basename="expense")
router.register("restaurants", views.RestaurantViewSet, basename="restaurant")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("tags", views.TagViewSet, basename="tag")
router.register("merchants", views.MerchantViewSet, basename="merchant")
router.register("receipts", views.ReceiptViewSet, basename="receipt")
router.register("trips", trips.TripViewSet, basename="trip")
router.register("favourites", trips.MealTemplateViewSet, basename="favourite")
router.register("meals-to-confirm", trips.PendingMealViewSet, basename="pending-meal")
router.register("rewards-programs", loyalty.RewardsProgramViewSet, basename="rewards-program")
router.register("rewards-memberships", loyalty.RewardsMembershipViewSet, basename="rewards-membership")
router.register("rewards-links", loyalty.MerchantRewardsLinkViewSet, basename="rewards-link")
router.register("expense-reports", expense_reports.ExpenseReportViewSet, basename="report")
router.register("reimbursement-batches", expense_reports.ReimbursementBatchViewSet, basename="batch")
router.register("notifications", conversation.NotificationViewSet, basename="notification")
router.register("webhooks", conversation.WebhookEndpointViewSet, basename="webhook")

urlpatterns = [
    # Before the router, whose receipts/<pk>/ would otherwise take "uploads" for a receipt id.
    path("receipts/uploads/", receipt_uploads.ReceiptUploadStart.as_view(), name="receipt-upload-start"),
    path("receipts/uploads/complete/", receipt_uploads.ReceiptUploadComplete.as_view(), name="receipt-upload-complete"),
    path("colleagues/", attendees.ColleagueList.as_view(), name="colleague-list"),
    path("places/", places.PlaceSearchView.as_view(), name="place-search"),
    path("places/<str:place_id>/", places.PlaceDetailView.as_view(), name="place-detail"),
    path("places/<str:place_id>/add/", places.PlaceAddView.as_view(), name="place-add"),
    path("expenses/<int:pk>/items/", splits.LineItemsView.as_view(), name="expense-items"),
    path("expenses/<int:pk>/split/", splits.ExpenseSplitView.as_view(), name="expense-split"),
    path("shares/", splits.ShareListView.as_view(), name="share-list"),
    path("balances/", splits.BalanceListView.as_view(), name="balance-list"),
    path("settlements/", splits.SettlementListView.as_view(), name="settlement-list"),
    path("settlements/<int:pk>/", splits.SettlementDetailView.as_view(), name="settlement-detail"),
    path("expenses/<int:pk>/history/", conversation.ExpenseHistoryView.as_view(), name="expense-history"),
    path("expenses/<int:pk>/comments/", conversation.ExpenseCommentsView.as_view(), name="expense-comments"),
    path("expense-reports/<int:pk>/comments/", conversation.ReportCommentsView.as_view(), name="report-comments"),
    path(
        "notification-preferences/",
        conversation.NotificationPreferencesView.as_view(),
        name="notification-preferences",
    ),
    path(
        "webhook-deliveries/<int:pk>/replay/",
        conversation.WebhookDeliveryReplayView.as_view(),
        name="webhook-delivery-replay",
    ),
    *router.urls,
]
