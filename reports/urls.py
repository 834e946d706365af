"""Web UI routes of the reports app."""

from django.urls import path

from reports import views

urlpatterns = [
    path("reports/", views.reports_page, name="reports"),
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/<int:pk>/", views.import_review, name="import_review"),
    path("imports/<int:pk>/rows/<int:row_pk>/", views.import_row_change, name="import_row_change"),
    path("imports/<int:pk>/rows/<int:row_pk>/edit/", views.import_row_edit, name="import_row_edit"),
    path("imports/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("imports/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("budgets/", views.budget_list, name="budget_list"),
    path("budgets/<int:pk>/delete/", views.budget_delete, name="budget_delete"),
]
