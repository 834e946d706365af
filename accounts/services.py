"""Writes for users and teams."""

import unicodedata

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.models import Role, Team, User
from mealtracker.errors import DomainError


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    display_name: str = "",
    role: str = Role.MEMBER,
    team: Team | None = None,
    timezone: str = "UTC",
    default_currency: str | None = None,
) -> User:
    """Create a user after checking the password against the configured validators."""
    email = (email or "").strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError("An account with this email already exists.", field="email", code="duplicate")
    profile = profile_values_check(
        display_name=display_name, timezone=timezone, default_currency=default_currency or None
    )
    candidate = User(email=email, role=role, team=team, **profile)
    if password is not None:
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field="password", code="weak_password") from exc
    try:
        candidate.full_clean(exclude=["password"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(" ".join(messages), field=field) from exc
    candidate.set_password(password)
    candidate.save()
    return candidate


@transaction.atomic
def team_create(*, name: str, managers: list[User] = (), members: list[User] = ()) -> Team:
    """Create a team; a user belongs to at most one team, so members move into it."""
    team = Team.objects.create(name=name.strip())
    team.managers.set(managers)
    for member in members:
        member.team = team
        member.save(update_fields=["team"])
    return team


PROFILE_FIELDS = ("display_name", "timezone", "default_currency")


def profile_values_check(
    *, display_name: str | None = None, timezone: str | None = None, default_currency: str | None = None
) -> dict[str, str]:
    """The profile's one rule, for every surface: each value given, normalised and checked (None: not given).

    A display name is trimmed to single spaces, at most the column's length, with no control characters; a
    timezone is an IANA name; a currency is a supported ISO 4217 code in any case. Raises DomainError naming
    the first field at fault.
    """
    values = {}
    if display_name is not None:
        values["display_name"] = " ".join(display_name.split())
    if timezone is not None:
        values["timezone"] = timezone.strip()
    if default_currency is not None:
        values["default_currency"] = default_currency.strip().upper()
    for name, value in values.items():
        try:
            # The model field's own checks: blank, max_length and its validators (IANA zone, ISO 4217 code).
            User._meta.get_field(name).clean(value, None)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field=name) from exc
    if any(unicodedata.category(char) == "Cc" for char in values.get("display_name", "")):
        raise DomainError("A display name cannot contain control characters.", field="display_name")
    return values


@transaction.atomic
def user_update_profile(
    *, user: User, display_name: str | None = None, timezone: str | None = None, default_currency: str | None = None
) -> User:
    """Change the display name, the timezone pages are shown in or the currency new meals start in (None: keep).

    The one write of the profile: the profile page, the API's /auth/me/ and the admin all call it.
    """
    values = profile_values_check(display_name=display_name, timezone=timezone, default_currency=default_currency)
    for name, value in values.items():
        setattr(user, name, value)
    if values:
        user.save(update_fields=[*values])
    return user


def _set_checked_password(user: User, new_password: str, *, field: str) -> None:
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field=field, code="weak_password") from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])


@transaction.atomic
def user_change_password(*, user: User, current_password: str, new_password: str) -> User:
    """Change a password after proving the current one."""
    if not user.check_password(current_password):
        raise DomainError("The current password is not correct.", field="current_password", code="wrong_password")
    _set_checked_password(user, new_password, field="new_password")
    return user


def password_reset_request(*, email: str, reset_url_template: str = "") -> bool:
    """E-mail a reset link (uid + token) when an active account has this address; silent otherwise.

    The answer to the caller never says whether the address exists. Returns True when a mail was sent.
    """
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = reset_url_template.format(uid=uid, token=token) if reset_url_template else ""
    body = (
        "Someone asked to reset the password of your Meal Expense Tracker account.\n\n"
        f"uid: {uid}\ntoken: {token}\n{link}\n\n"
        "If it was not you, ignore this message; your password stays the same."
    )
    send_mail("Reset your password", body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True


@transaction.atomic
def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set a new password from an e-mailed uid and token; the token dies with the password change."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uid)), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise DomainError("This reset link is not valid or has expired.", field="token", code="invalid_token") from exc
    if not default_token_generator.check_token(user, token):
        raise DomainError("This reset link is not valid or has expired.", field="token", code="invalid_token")
    _set_checked_password(user, new_password, field="new_password")
    return user
