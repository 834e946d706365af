"""Input and output shapes of the accounts API."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.urls import reverse
from rest_framework import exceptions, serializers
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.models import Team, User
from accounts.throttles import refusal_message, sign_in_attempt
from accounts.tokens import ChainedRefreshToken

# The profile's values arrive as plain text: accounts.services.profile_values_check is their one rule (the same
# for the web pages and the admin), and its refusal is a 400 naming the field.
TIMEZONE_HELP = "An IANA timezone such as Europe/Paris: times are shown and local days counted in it."
CURRENCY_HELP = "A supported ISO 4217 code such as USD (any case): new meals start in it."


class ProfileSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(required=False, allow_blank=True, help_text="Up to 128 characters.")
    timezone = serializers.CharField(required=False, help_text=TIMEZONE_HELP)
    default_currency = serializers.CharField(required=False, help_text=CURRENCY_HELP)
    team = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    bio = serializers.CharField(required=False, allow_blank=True, help_text="Up to 500 characters.")
    phone = serializers.CharField(
        required=False, allow_blank=True, help_text="Any common way of writing it; stored and answered in E.164."
    )
    avatar_url = serializers.SerializerMethodField(help_text="The avatar image, or null: show `initials` instead.")
    initials = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id", "email", "display_name", "role", "team", "timezone", "default_currency", "bio", "phone",
            "avatar_url", "initials", "date_joined",
        ]  # fmt: skip
        read_only_fields = ["id", "email", "role", "team", "date_joined"]

    def get_avatar_url(self, user) -> str | None:
        if not user.avatar:
            return None
        url = reverse("avatar", args=[user.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class AvatarUploadSerializer(serializers.Serializer):
    avatar = serializers.FileField(help_text="A JPEG, PNG, WebP or HEIC image up to 5 MB.")


class RegisterSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(write_only=True, style={"input_type": "password"}, max_length=128)
    display_name = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Up to 128 characters."
    )
    timezone = serializers.CharField(required=False, default="UTC", help_text=TIMEZONE_HELP)
    default_currency = serializers.CharField(required=False, allow_blank=True, help_text=CURRENCY_HELP)


class EmailTokenObtainSerializer(TokenObtainPairSerializer):
    """E-mail and password for an access + refresh pair; failures count towards the axes lockout."""

    default_error_messages = {"no_active_account": "The e-mail or password is not correct."}
    token_class = ChainedRefreshToken

    def validate(self, attrs):
        request = self.context["request"]
        verdict = sign_in_attempt(request, attrs[self.username_field])
        if not verdict.allowed:
            raise exceptions.Throttled(wait=verdict.retry_after, detail=refusal_message(verdict))
        # `username=` is what axes reads to key its lockout; the model backend accepts it for the e-mail.
        self.user = authenticate(request, username=attrs[self.username_field], password=attrs["password"])
        if getattr(request, "axes_locked_out", False):
            raise AccountLocked()
        if self.user is None or not self.user.is_active:
            raise exceptions.AuthenticationFailed(self.error_messages["no_active_account"], "no_active_account")
        refresh = self.get_token(self.user)
        return {"refresh": str(refresh), "access": str(refresh.access_token)}


class AccountLocked(exceptions.APIException):
    status_code = 429
    default_detail = "Too many failed sign-ins; this account is locked for a while. Try again later."
    default_code = "locked_out"

    def __init__(self):
        super().__init__()
        self.wait = settings.AXES_COOLOFF_TIME * 3600 if settings.AXES_COOLOFF_TIME else None


class ChainedTokenRefreshSerializer(TokenRefreshSerializer):
    """A refresh token in, the chain's next pair out; refused once the chain is older than its absolute lifetime,
    or when its user is gone or deactivated."""

    token_class = ChainedRefreshToken

    def validate(self, attrs):
        refresh = self.token_class(attrs["refresh"])
        if refresh.chain_expired():
            refresh.blacklist()
            raise InvalidToken("This sign-in is too old to refresh; sign in again.")
        user = User.objects.filter(pk=refresh.payload.get(api_settings.USER_ID_CLAIM)).first()
        if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
            raise exceptions.AuthenticationFailed(self.error_messages["no_active_account"], "no_active_account")
        if refresh.payload.get(api_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(user.password):
            # The password changed by a way that did not blacklist (a management command, say): the chain ends too.
            refresh.blacklist()
            raise InvalidToken("The password has changed since this sign-in; sign in again.")
        data = {"access": str(refresh.access_token)}
        refresh.blacklist()
        refresh.rotate()
        refresh.outstand()
        data["refresh"] = str(refresh)
        return data


class TokenPairSerializer(serializers.Serializer):
    refresh = serializers.CharField()
    access = serializers.CharField()


class RefreshTokenSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class ChangePasswordSerializer(serializers.Serializer):
    current_password = serializers.CharField(write_only=True, style={"input_type": "password"})
    new_password = serializers.CharField(write_only=True, style={"input_type": "password"}, max_length=128)


class PasswordResetRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField()
    token = serializers.CharField()
    new_password = serializers.CharField(write_only=True, style={"input_type": "password"}, max_length=128)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TeamMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "display_name", "role"]


class TeamSerializer(serializers.ModelSerializer):
    managers = TeamMemberSerializer(many=True, read_only=True)
    members = TeamMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "managers", "members", "created_at"]
