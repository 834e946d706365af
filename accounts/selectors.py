"""Read queries for users and teams."""

from django.db.models import Q, QuerySet

from accounts.models import Team, User


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


def teams_visible_to(user: User) -> QuerySet[Team]:
    """Teams a user may open in the API: the ones they manage (all of them for an admin)."""
    return teams_managed_by(user).prefetch_related("managers", "members").order_by("name", "id")


def users_reviewable_by(user: User) -> QuerySet[User]:
    """People whose expenses this user may read: themselves, their teams' members, everyone for an admin."""
    if user.is_admin:
        return User.objects.all()
    if user.is_manager:
        return User.objects.filter(Q(pk=user.pk) | Q(team__in=teams_managed_by(user))).distinct()
    return User.objects.filter(pk=user.pk)
