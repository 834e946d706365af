"""The site's routes: the site-wide endpoints here; every app's pages and API through its own url modules."""

from django.contrib import admin
from django.urls import include, path

from mealtracker import views

admin.site.site_header = "Meal Expense Tracker"
admin.site.site_title = "Meal Expense Tracker admin"
admin.site.index_title = "Back office"

urlpatterns = [
    path("health/", views.health, name="health"),
    path("health/ready/", views.health_ready, name="health_ready"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
    path("admin/", admin.site.urls),
    path("api/", include("mealtracker.api.urls")),
    path("", include("accounts.urls")),
    path("", include("expenses.urls")),
    path("", include("expenses.notification_urls")),
    path("", include("reports.urls")),
]
