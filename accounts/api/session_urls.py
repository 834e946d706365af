"""Session sign-in and sign-out for the browsable API (rest_framework:login / rest_framework:logout), mounted at
/api/auth/; attempts are throttled like the site's own sign-in page."""

from django.contrib.auth.views import LogoutView
from django.urls import path

from accounts.views import SignInView

app_name = "rest_framework"

urlpatterns = [
    path("login/", SignInView.as_view(template_name="rest_framework/login.html"), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
]
