"""API routes of the accounts app, mounted under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import delegations, views

app_name = "accounts_api"

router = SimpleRouter()
router.register("teams", views.TeamViewSet, basename="team")
router.register("delegations", delegations.DelegationViewSet, basename="delegation")

urlpatterns = [
    path("auth/register/", views.RegisterView.as_view(), name="register"),
    path("auth/token/", views.TokenObtainView.as_view(), name="token-obtain"),
    path("auth/token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/token/verify/", views.TokenVerifyView.as_view(), name="token-verify"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/me/", views.MeView.as_view(), name="me"),
    path("auth/me/avatar/", views.AvatarView.as_view(), name="me-avatar"),
    path("auth/password/change/", views.ChangePasswordView.as_view(), name="password-change"),
    path("auth/password/reset/", views.PasswordResetRequestView.as_view(), name="password-reset"),
    path("auth/password/reset/confirm/", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    *router.urls,
]
