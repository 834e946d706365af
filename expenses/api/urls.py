"""API routes of the expenses app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

from expenses.api import views

app_name = "expenses_api"

router = SimpleRouter()
router.register("expenses", views.ExpenseViewSet, basename="expense")
router.register("restaurants", views.RestaurantViewSet, basename="restaurant")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("tags", views.TagViewSet, basename="tag")
router.register("merchants", views.MerchantViewSet, basename="merchant")
router.register("receipts", views.ReceiptViewSet, basename="receipt")

urlpatterns = router.urls
