"""Read queries for users and teams."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import ApprovalDelegation, Team, User


def teams_managed_by(user: User) -> QuerySet[Team]:
    """The teams whose expenses this user reviews (all teams for an admin)."""
    if user.is_admin:
        return Team.objects.all()
    if user.is_manager:
        return user.managed_teams.all()
    return Team.objects.none()


def is_manager_of(manager: User, member: User) -> bool:
    """True when `manager` manages the team `member` belongs to."""
    if not manager.is_manager or member.team_id is None:
        return False
    return manager.managed_teams.filter(pk=member.team_id).exists()


def delegations_active_for(delegate: User, *, on: datetime.date | None = None) -> QuerySet[ApprovalDelegation]:
    """The delegations `delegate` holds on a day (today by default): they decide for those managers' teams."""
    day = on or timezone.localdate()
    return ApprovalDelegation.objects.filter(
        delegate=delegate, starts_on__lte=day, ends_on__gte=day, manager__is_active=True
    )


def teams_delegated_to(user: User, *, on: datetime.date | None = None) -> QuerySet[Team]:
    """Teams whose meals `user` decides today as a delegate of one of their managers."""
    managers = delegations_active_for(user, on=on).values("manager")
    return Team.objects.filter(managers__in=managers).distinct()


def delegated_manager_for(user: User, member: User, *, on: datetime.date | None = None) -> User | None:
    """The away manager of `member`'s team `user` stands in for today, if any."""
    if member.team_id is None:
        return None
    delegation = (
        delegations_active_for(user, on=on)
        .filter(manager__managed_teams=member.team_id)
        .select_related("manager")
        .order_by("starts_on", "id")
        .first()
    )
    return delegation.manager if delegation else None


def teams_audited_by(user: User) -> QuerySet[Team]:
    """Teams an auditor reads (read only)."""
    if not user.is_auditor:
        return Team.objects.none()
    return user.audited_teams.all()


def teams_readable_by(user: User) -> QuerySet[Team]:
    """Teams whose meals a user reads: managed or delegated ones, audited ones; all of them for admin and finance."""
    if user.is_admin or user.is_finance:
        return Team.objects.all()
    if user.is_auditor:
        return teams_audited_by(user)
    if not user.is_manager:  # only managers stand in for one another
        return Team.objects.none()
    return Team.objects.filter(Q(pk__in=teams_managed_by(user).values("pk")) | Q(pk__in=teams_delegated_to(user)))


def teams_visible_to(user: User) -> QuerySet[Team]:
    """Teams a user may open in the API: the ones they manage, stand in for or audit (all for admin and finance)."""
    return teams_readable_by(user).prefetch_related("managers", "members").order_by("name", "id")


def users_reviewable_by(user: User) -> QuerySet[User]:
    """People whose expenses this user may read: themselves, their teams' members, everyone for an admin."""
    if user.is_admin or user.is_finance:
        return User.objects.all()
    return User.objects.filter(Q(pk=user.pk) | Q(team__in=teams_readable_by(user))).distinct()
