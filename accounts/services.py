"""Writes for users and teams."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

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
    candidate = User(email=email, display_name=display_name, role=role, team=team, timezone=timezone)
    if default_currency:
        candidate.default_currency = default_currency.upper()
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
