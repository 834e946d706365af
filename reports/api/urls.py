"""API routes of the reports app, mounted under /api/v1/."""

from django.urls import path

from reports.api import budgets, exports, imports, merchant_transfer, policies, restaurant_transfer, views

app_name = "reports_api"

urlpatterns = [
    path("reports/", views.ReportIndexView.as_view(), name="report-index"),
    path("reports/<slug:kind>/", views.ReportView.as_view(), name="report"),
    path("budgets/", budgets.BudgetListView.as_view(), name="budget-list"),
    path("budgets/<int:pk>/", budgets.BudgetDetailView.as_view(), name="budget-detail"),
    path("notices/", budgets.NoticeListView.as_view(), name="notice-list"),
    path("notices/<int:pk>/read/", budgets.NoticeReadView.as_view(), name="notice-read"),
    path("meal-policies/", policies.MealPolicyListView.as_view(), name="meal-policy-list"),
    path("meal-policies/<int:pk>/", policies.MealPolicyDetailView.as_view(), name="meal-policy-detail"),
    path("policy-flags/", policies.PolicyFlagListView.as_view(), name="policy-flag-list"),
    path("exports/my-data/", exports.MyDataExportView.as_view(), name="export-my-data"),
    path("exports/expenses.<slug:file_format>", exports.ExpenseExportView.as_view(), name="export-expenses"),
    path("exports/reports/<slug:kind>.<slug:file_format>", exports.ReportExportView.as_view(), name="export-report"),
    path("exports/summary.pdf", exports.SummaryExportView.as_view(), name="export-summary"),
    path(
        "exports/restaurants.<slug:file_format>",
        restaurant_transfer.RestaurantExportView.as_view(),
        name="export-restaurants",
    ),
    path(
        "exports/merchants.<slug:file_format>", merchant_transfer.MerchantExportView.as_view(), name="export-merchants"
    ),
    path("merchant-imports/", merchant_transfer.MerchantImportView.as_view(), name="merchant-import"),
    path("restaurant-imports/", restaurant_transfer.RestaurantImportListView.as_view(), name="restaurant-import-list"),
    path(
        "restaurant-imports/<int:pk>/",
        restaurant_transfer.RestaurantImportDetailView.as_view(),
        name="restaurant-import-detail",
    ),
    path(
        "restaurant-imports/<int:pk>/rows/",
        restaurant_transfer.RestaurantImportRowListView.as_view(),
        name="restaurant-import-rows",
    ),
    path(
        "restaurant-imports/<int:pk>/rows/<int:row_pk>/",
        restaurant_transfer.RestaurantImportRowDetailView.as_view(),
        name="restaurant-import-row",
    ),
    path(
        "restaurant-imports/<int:pk>/apply/",
        restaurant_transfer.RestaurantImportApplyView.as_view(),
        name="restaurant-import-apply",
    ),
    path("imports/", imports.ImportListView.as_view(), name="import-list"),
    path("imports/<int:pk>/", imports.ImportDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/rows/", imports.ImportRowListView.as_view(), name="import-rows"),
    path("imports/<int:pk>/rows/<int:row_pk>/", imports.ImportRowDetailView.as_view(), name="import-row"),
    path("imports/<int:pk>/apply/", imports.ImportApplyView.as_view(), name="import-apply"),
]
