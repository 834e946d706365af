"""Writes for users and teams."""

import unicodedata

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone as django_timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import Role, Team, User
from mealtracker import ratelimit
from mealtracker.errors import DomainError
from mealtracker.images import image_open, image_square, image_without_metadata, sniff_image_type


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
    candidate = _user_candidate(
        email=email, password=password, display_name=display_name, role=role, team=team, timezone=timezone,
        default_currency=default_currency,
    )  # fmt: skip
    candidate.set_password(password)
    candidate.save()
    return candidate


def _user_candidate(
    *, email: str, password: str | None, display_name: str, role: str, team: Team | None, timezone: str,
    default_currency: str | None,
) -> User:  # fmt: skip
    """An unsaved user checked like a new one (profile values, password validators, fields), except for whether
    the e-mail is free: sign-up runs the same checks for a taken address, so its errors do not tell."""
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
        candidate.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(" ".join(messages), field=field) from exc
    return candidate


@transaction.atomic
def user_register(
    *,
    email: str,
    password: str,
    display_name: str = "",
    timezone: str = "UTC",
    default_currency: str | None = None,
    sign_in_url: str = "",
    password_reset_url: str = "",
) -> User | None:
    """Sign-up. A new address becomes a member, welcomed by e-mail; an address that already has an account gets
    the same checks and an e-mail to its owner instead. Callers answer both the same way, so sign-up never tells
    whether an address has an account. Returns the new user, or None."""
    email = (email or "").strip().lower()
    owner = User.objects.filter(email__iexact=email).first()
    profile = {"display_name": display_name, "timezone": timezone, "default_currency": default_currency}
    if owner is None:
        user = user_create(email=email, password=password, **profile)
        body = (
            "Welcome to Meal Expense Tracker: your account is ready.\n\n"
            f"Sign in with this address and the password you chose: {sign_in_url}\n\n"
            "If you did not sign up, tell us by replying to this message."
        )
        send_mail("Your Meal Expense Tracker account", body, settings.DEFAULT_FROM_EMAIL, [user.email])
        return user
    candidate = _user_candidate(email=email, password=password, role=Role.MEMBER, team=None, **profile)
    candidate.set_password(password)  # the hashing a new account costs, so the answer's timing does not tell either
    # At most one such notice per account and hour: signing up with someone's address cannot flood their inbox.
    if ratelimit.hit(f"mail:signup-taken:{owner.pk}", limit=1, period=3600).allowed:
        body = (
            "Someone tried to create a Meal Expense Tracker account with this address, which already has one.\n\n"
            f"If it was you, sign in: {sign_in_url}\nForgot your password? Reset it: {password_reset_url}\n\n"
            "If it was not you, ignore this message; nothing has changed."
        )
        send_mail("You already have an account", body, settings.DEFAULT_FROM_EMAIL, [owner.email])
    return None


@transaction.atomic
def team_create(*, name: str, managers: list[User] = (), members: list[User] = ()) -> Team:
    """Create a team; a user belongs to at most one team, so members move into it."""
    team = Team.objects.create(name=name.strip())
    team.managers.set(managers)
    for member in members:
        member.team = team
        member.save(update_fields=["team"])
    return team


PROFILE_FIELDS = ("display_name", "timezone", "default_currency", "bio", "phone")
BIO_MAX_LENGTH = 500
# A number written without its country code (0…, (617) …) is read as a number of this region, as the original app
# read every number as North American; "+44 20 …" is read as written.
PHONE_DEFAULT_REGION = "US"
AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_SIZE = 256  # pixels a side: shown at 32-96 px, sharp on a 2x screen


def phone_to_e164(text: str) -> str:
    """A phone number as E.164 ("+14155550123"), read with `phonenumbers`; "" stays ""; DomainError on `phone`."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    import phonenumbers  # here, not at the top: ~15-50 ms of every worker's start, for profile edits only

    try:
        number = phonenumbers.parse(text, PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise DomainError("Enter a phone number such as +1 415 555 0123.", field="phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise DomainError("This is not a valid phone number; include the country code, e.g. +44.", field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def profile_values_check(
    *,
    display_name: str | None = None,
    timezone: str | None = None,
    default_currency: str | None = None,
    bio: str | None = None,
    phone: str | None = None,
) -> dict[str, str]:
    """The profile's one rule, for every surface: each value given, normalised and checked (None: not given).

    A display name is trimmed to single spaces, at most the column's length, with no control characters; a
    timezone is an IANA name; a currency is a supported ISO 4217 code in any case; a bio is at most 500
    characters; a phone number is valid and stored in E.164. Raises DomainError naming the first field at fault.
    """
    values = {}
    if display_name is not None:
        values["display_name"] = " ".join(display_name.split())
    if timezone is not None:
        values["timezone"] = timezone.strip()
    if default_currency is not None:
        values["default_currency"] = default_currency.strip().upper()
    if bio is not None:
        values["bio"] = bio.strip().replace("\r\n", "\n")
        if len(values["bio"]) > BIO_MAX_LENGTH:
            raise DomainError(f"A bio is at most {BIO_MAX_LENGTH} characters.", field="bio")
        if any(unicodedata.category(char) == "Cc" and char not in "\n\t" for char in values["bio"]):
            raise DomainError("A bio cannot contain control characters.", field="bio")
    if phone is not None:
        values["phone"] = phone_to_e164(phone)
    for name, value in values.items():
        try:
            # The model field's own checks: blank, max_length and its validators (IANA zone, ISO 4217 code).
            User._meta.get_field(name).clean(value, None)
        except ValidationError as exc:
            raise DomainError(" ".join(exc.messages), field=name) from exc
    if any(unicodedata.category(char) == "Cc" for char in values.get("display_name", "")):
        raise DomainError("A display name cannot contain control characters.", field="display_name")
    return values


def avatar_image(file) -> bytes:
    """An uploaded avatar as the JPEG that is stored: a JPEG, PNG, WebP or HEIC image of at most 5 MB, upright,
    cropped square, 256 px, without metadata. DomainError on `avatar` otherwise (not an image, too large, a bomb)."""
    size = getattr(file, "size", None)
    if not size:
        raise DomainError("The file is empty.", field="avatar", code="empty_file")
    if size > AVATAR_MAX_BYTES:
        raise DomainError(
            f"An avatar can be at most {AVATAR_MAX_BYTES // (1024 * 1024)} MB.", field="avatar", code="file_too_large"
        )
    file.seek(0)
    data = file.read(AVATAR_MAX_BYTES + 1)
    if sniff_image_type(data[:32]) is None:
        raise DomainError("Upload a JPEG, PNG, WebP or HEIC image.", field="avatar", code="unsupported_type")
    image = image_open(data, field="avatar", too_big="This image has too many pixels for an avatar.")
    if image is None:
        raise DomainError("This file is not an image we can read.", field="avatar", code="unsupported_type")
    return image_without_metadata(image_square(image, AVATAR_SIZE), "JPEG", quality=85)


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    display_name: str | None = None,
    timezone: str | None = None,
    default_currency: str | None = None,
    bio: str | None = None,
    phone: str | None = None,
    avatar=None,
    avatar_clear: bool = False,
) -> User:
    """Change the profile: display name, timezone, default currency, bio, phone or avatar (None: keep).

    The one write of the profile: the profile page, the API's /auth/me/ (and /auth/me/avatar/) and the admin all
    call it. A new avatar replaces the old one, whose file is deleted once the change is committed.
    """
    values = profile_values_check(
        display_name=display_name, timezone=timezone, default_currency=default_currency, bio=bio, phone=phone
    )
    stored = avatar_image(avatar) if avatar is not None else None
    for name, value in values.items():
        setattr(user, name, value)
    old_avatar = user.avatar.name if user.avatar else ""
    if stored is not None:
        user.avatar.save("avatar.jpg", ContentFile(stored), save=False)
        values["avatar"] = user.avatar.name
    elif avatar_clear and old_avatar:
        user.avatar = ""
        values["avatar"] = ""
    if values:
        user.save(update_fields=[*values])
    if "avatar" in values and old_avatar:
        storage = user.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar))
    return user


def user_refresh_tokens_revoke(*, user: User) -> int:
    """Blacklist every unexpired refresh token of the user (after a password change or reset, or deactivation),
    so no API sign-in made before it can be refreshed. Returns how many were revoked."""
    outstanding = OutstandingToken.objects.filter(
        user=user, expires_at__gt=django_timezone.now(), blacklistedtoken__isnull=True
    )
    revoked = [BlacklistedToken(token=token) for token in outstanding]
    BlacklistedToken.objects.bulk_create(revoked, ignore_conflicts=True)
    return len(revoked)


def _set_checked_password(user: User, new_password: str, *, field: str) -> None:
    try:
        validate_password(new_password, user=user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field=field, code="weak_password") from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_refresh_tokens_revoke(user=user)


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
