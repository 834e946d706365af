"""Web UI routes of the reports app."""

from django.urls import path

from reports import merchant_views, restaurant_views, views

urlpatterns = [
    path("reports/", views.reports_page, name="reports"),
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_review, name="import_review"),
    path("imports/<int:pk>/rows/<int:row_pk>/", views.import_row_change, name="import_row_change"),
    path("imports/<int:pk>/rows/<int:row_pk>/edit/", views.import_row_edit, name="import_row_edit"),
    path("imports/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("imports/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("restaurants/export.<str:file_format>", restaurant_views.restaurant_export, name="restaurant_export"),
    path("restaurants/import/", restaurant_views.restaurant_import_upload, name="restaurant_import_upload"),
    path("restaurants/import/<int:pk>/", restaurant_views.restaurant_import_review, name="restaurant_import_review"),
    path(
        "restaurants/import/<int:pk>/rows/<int:row_pk>/",
        restaurant_views.restaurant_import_row_choose,
        name="restaurant_import_row_choose",
    ),
    path(
        "restaurants/import/<int:pk>/apply/", restaurant_views.restaurant_import_apply, name="restaurant_import_apply"
    ),
    path(
        "restaurants/import/<int:pk>/discard/",
        restaurant_views.restaurant_import_discard,
        name="restaurant_import_discard",
    ),
    path("merchants/files/", merchant_views.merchant_import, name="merchant_import"),
    path("merchants/export.<str:file_format>", merchant_views.merchant_export, name="merchant_export"),
    path("budgets/", views.budget_list, name="budget_list"),
    path("budgets/<int:pk>/delete/", views.budget_delete, name="budget_delete"),
]
