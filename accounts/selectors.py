"""Read queries for users and teams."""

from django.db.models import QuerySet

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
