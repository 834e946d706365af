"""Who sees which trips, and which meals a trip holds. Kept free of expenses.selectors, which the expense filters
(and so the trip filter) are imported by."""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from accounts.selectors import teams_managed_by
from expenses.choices import ExpenseStatus
from expenses.models import Expense, Trip
from mealtracker.errors import NotFound

# A manager sees a team member's trip once it holds a business meal sent for approval (or decided): the trip is then
# the context of a claim they review. A trip of personal meals only, or of drafts, stays private (docs/trips.md).
CLAIMED = [ExpenseStatus.SUBMITTED, ExpenseStatus.APPROVED, ExpenseStatus.REJECTED, ExpenseStatus.REIMBURSED]


def in_trip(trip: Trip) -> Q:
    """The condition on expenses for the meals of a trip: its owner's, on its local days."""
    return Q(owner_id=trip.owner_id, occurred_at__gte=trip.starts_at, occurred_at__lt=trip.ends_at)


def trips_visible_to(user: User) -> QuerySet[Trip]:
    """Own trips; a manager also sees their team members' trips that hold submitted business meals; an admin all."""
    trips = Trip.objects.select_related("owner")
    if user.is_admin:
        return trips
    if user.is_manager:
        claimed = Expense.objects.filter(
            owner_id=OuterRef("owner_id"),
            is_business=True,
            status__in=CLAIMED,
            occurred_at__gte=OuterRef("starts_at"),
            occurred_at__lt=OuterRef("ends_at"),
        )
        team = Q(owner__team__in=teams_managed_by(user)) & Exists(claimed)
        return trips.filter(Q(owner=user) | team)
    return trips.filter(owner=user)


def trips_owned_by(user: User) -> QuerySet[Trip]:
    return Trip.objects.filter(owner=user).select_related("owner")


def trip_get(*, user: User, pk) -> Trip:
    """One trip the user may see; anything else is 'not found', so existence never leaks."""
    try:
        return trips_visible_to(user).get(pk=pk)
    except (Trip.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Trip not found.") from exc


def can_edit_trip(user: User, trip: Trip) -> bool:
    return trip.owner_id == user.pk or user.is_admin


def trip_of_meal(viewer: User) -> dict:
    """Annotations naming each meal's trip (id as `key`, its name as `name`) among the trips the viewer sees: the
    owner's trip whose local days hold the meal. A person's trips never overlap, so there is at most one."""
    trips = (
        trips_visible_to(viewer)
        .filter(
            owner_id=OuterRef("owner_id"), starts_at__lte=OuterRef("occurred_at"), ends_at__gt=OuterRef("occurred_at")
        )
        .order_by()
    )
    return {"key": Subquery(trips.values("pk")[:1]), "name": Subquery(trips.values("name")[:1])}
