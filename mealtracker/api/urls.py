"""Everything under /api/: version 1 of each app's API."""

from django.urls import include, path

urlpatterns = [
    path("v1/", include("accounts.api.urls")),
    path("v1/", include("expenses.api.urls")),
    path("v1/", include("reports.api.urls")),
]
