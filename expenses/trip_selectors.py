"""Who sees which trips, and which meals a trip holds. Kept free of expenses.selectors, which the expense filters
(and so the trip filter) are imported by."""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from accounts.models import User
from accounts.selectors import teams_readable_by
from expenses.choices import BUSINESS_STATUSES, ExpenseStatus
from expenses.models import Expense, Trip
from mealtracker.errors import NotFound

# Whoever reads a team's meals (its manager, a stand-in, its auditor, finance) sees a member's trip once it holds a
# business meal sent for approval (or decided): the trip is then the context of a claim. A trip of personal meals
# only, or of drafts, stays private (docs/trips.md).
CLAIMED = [status for status in BUSINESS_STATUSES if status != ExpenseStatus.DRAFT]


def in_trip(trip: Trip) -> Q:
    """The condition on expenses for the meals of a trip: its owner's, on its local days."""
    return Q(owner_id=trip.owner_id, occurred_at__gte=trip.starts_at, occurred_at__lt=trip.ends_at)


def trips_visible_to(user: User) -> QuerySet[Trip]:
    """Own trips; the trips holding sent business meals of the teams a user reads (a manager or their stand-in,
    the team's auditor, finance); every trip for an admin."""
    trips = Trip.objects.select_related("owner")
    if user.is_admin:
        return trips
    if not (user.is_manager or user.is_finance or user.is_auditor):
        return trips.filter(owner=user)
    claimed = Expense.objects.filter(
        owner_id=OuterRef("owner_id"),
        is_business=True,
        status__in=CLAIMED,
        occurred_at__gte=OuterRef("starts_at"),
        occurred_at__lt=OuterRef("ends_at"),
    )
    return trips.filter(Q(owner=user) | (Q(owner__team__in=teams_readable_by(user)) & Exists(claimed)))


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
