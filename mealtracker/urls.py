from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.forms import AdminSignInForm
from accounts.views import SignInView
from mealtracker import views

admin.site.login_form = AdminSignInForm
admin.site.site_header = "Meal Expense Tracker"
admin.site.site_title = "Meal Expense Tracker admin"
admin.site.index_title = "Back office"

urlpatterns = [
    path("health/", views.health, name="health"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("mealtracker.api.urls")),
    path("", include("accounts.urls")),
    path("", include("expenses.urls")),
    path("", include("reports.urls")),
]
