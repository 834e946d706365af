"""The accounts API: sign-up, JWT sign-in, profile, passwords and teams. Thin: shape, service, serialize."""

from http import HTTPStatus

from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, permissions, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenBlacklistSerializer

from accounts import services
from accounts.api import serializers
from accounts.models import Team
from accounts.selectors import teams_visible_to
from accounts.views import registration_links
from mealtracker.api.throttles import AuthRateThrottle


class AuthEndpoint:
    """Public, throttled per client address with the shared `auth` rate."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [AuthRateThrottle]

    def get_authenticate_header(self, request):
        # A refused token is a 401 with its challenge; without one DRF would turn it into a 403.
        return 'Bearer realm="api"'


class RegisterView(AuthEndpoint, APIView):
    @extend_schema(request=serializers.RegisterSerializer, responses={202: serializers.DetailSerializer}, auth=[])
    def post(self, request):
        """Create an account (a member with no team) and e-mail its address. The answer is the same when the
        address already has an account: its owner is e-mailed instead, and nothing else happens."""
        form = serializers.RegisterSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.user_register(**form.validated_data, **registration_links(request))
        detail = "We have sent a message to this address; it tells you how to sign in."
        return Response({"detail": detail}, status=HTTPStatus.ACCEPTED)


@extend_schema(responses={200: serializers.TokenPairSerializer}, auth=[])
class TokenObtainView(AuthEndpoint, jwt_views.TokenObtainPairView):
    """E-mail and password in, an access and a refresh token out. Repeated failures lock the account."""

    serializer_class = serializers.EmailTokenObtainSerializer


@extend_schema(responses={200: serializers.TokenPairSerializer}, auth=[])
class TokenRefreshView(AuthEndpoint, jwt_views.TokenRefreshView):
    """A refresh token in, a new access token and a new refresh token out; the old refresh is blacklisted.
    A chain of refreshes ends `JWT_REFRESH_CHAIN_DAYS` after the sign-in that began it."""

    serializer_class = serializers.ChainedTokenRefreshSerializer


@extend_schema(responses={200: None}, auth=[])
class TokenVerifyView(AuthEndpoint, jwt_views.TokenVerifyView):
    """200 when the token is valid, 401 otherwise."""


class LogoutView(AuthEndpoint, APIView):
    @extend_schema(request=serializers.RefreshTokenSerializer, responses={204: None}, auth=[])
    def post(self, request):
        """Blacklist the refresh token so it can no longer be used."""
        blacklist = TokenBlacklistSerializer(data=request.data, context={"request": request})
        try:
            blacklist.is_valid(raise_exception=True)
        except TokenError as exc:
            raise InvalidToken(exc.args[0]) from exc
        return Response(status=HTTPStatus.NO_CONTENT)


class MeView(generics.RetrieveUpdateAPIView):
    """The caller's profile: display name, timezone, default currency, bio and phone are editable."""

    serializer_class = serializers.ProfileSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user

    def perform_update(self, serializer):
        serializer.instance = services.user_update_profile(user=self.request.user, **serializer.validated_data)


class AvatarView(APIView):
    """PUT a new avatar (multipart `avatar`), DELETE it to show the initials again; both answer the profile."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(operation_id="auth_me_avatar_update", request=serializers.AvatarUploadSerializer,
                   responses={200: serializers.ProfileSerializer})  # fmt: skip
    def put(self, request):
        form = serializers.AvatarUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = services.user_update_profile(user=request.user, avatar=form.validated_data["avatar"])
        return Response(serializers.ProfileSerializer(user, context={"request": request}).data)

    @extend_schema(operation_id="auth_me_avatar_destroy", request=None, responses={200: serializers.ProfileSerializer})
    def delete(self, request):
        user = services.user_update_profile(user=request.user, avatar_clear=True)
        return Response(serializers.ProfileSerializer(user, context={"request": request}).data)


class ChangePasswordView(APIView):
    @extend_schema(request=serializers.ChangePasswordSerializer, responses={204: None})
    def post(self, request):
        """Change the password; the current one is required."""
        form = serializers.ChangePasswordSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.user_change_password(user=request.user, **form.validated_data)
        return Response(status=HTTPStatus.NO_CONTENT)


class PasswordResetRequestView(AuthEndpoint, APIView):
    @extend_schema(
        request=serializers.PasswordResetRequestSerializer, responses={202: serializers.DetailSerializer}, auth=[]
    )
    def post(self, request):
        """E-mail a reset code. The answer is the same whether or not the address has an account."""
        form = serializers.PasswordResetRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.password_reset_request(email=form.validated_data["email"])
        detail = "If an account uses this address, a reset e-mail is on its way."
        return Response({"detail": detail}, status=HTTPStatus.ACCEPTED)


class PasswordResetConfirmView(AuthEndpoint, APIView):
    @extend_schema(request=serializers.PasswordResetConfirmSerializer, responses={204: None}, auth=[])
    def post(self, request):
        """Set a new password with the uid and token from the reset e-mail."""
        form = serializers.PasswordResetConfirmSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.password_reset_confirm(**form.validated_data)
        return Response(status=HTTPStatus.NO_CONTENT)


class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Teams the caller manages (every team for an admin), with their managers and members."""

    serializer_class = serializers.TeamSerializer
    queryset = Team.objects.none()  # the model, for the schema; get_queryset() applies visibility
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]
    search_fields = ["name"]

    def get_queryset(self):
        return teams_visible_to(self.request.user)
