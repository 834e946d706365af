"""Input and output shapes of the accounts API."""

from django.conf import settings
from django.contrib.auth import authenticate
from rest_framework import exceptions, serializers
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from accounts.models import Team, User

# The profile's values arrive as plain text: accounts.services.profile_values_check is their one rule (the same
# for the web pages and the admin), and its refusal is a 400 naming the field.
TIMEZONE_HELP = "An IANA timezone such as Europe/Paris: times are shown and local days counted in it."
CURRENCY_HELP = "A supported ISO 4217 code such as USD (any case): new meals start in it."


class ProfileSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(required=False, allow_blank=True, help_text="Up to 128 characters.")
    timezone = serializers.CharField(required=False, help_text=TIMEZONE_HELP)
    default_currency = serializers.CharField(required=False, help_text=CURRENCY_HELP)
    team = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "role", "team", "timezone", "default_currency", "date_joined"]
        read_only_fields = ["id", "email", "role", "team", "date_joined"]


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

    def validate(self, attrs):
        request = self.context["request"]
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
