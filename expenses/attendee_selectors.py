"""Reads for attendees: who may be named as a colleague on a meal, and a meal's people."""

from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, LPad

from accounts.models import User
from expenses.attendee_text import ENTRY_SEPARATOR, attendee_text
from expenses.models import Attendee
from mealtracker.aggregates import RecordsJoined


def colleagues_of(owner: User) -> QuerySet[User]:
    """The people an owner may name as colleagues on a meal: the active members and managers of the owner's team.

    The team is the organisation a meal's colleagues come from; someone without a team has no colleagues to pick
    (their guests are named instead). The owner is never their own attendee."""
    if owner.team_id is None:
        return User.objects.none()
    return (
        User.objects.filter(Q(team_id=owner.team_id) | Q(managed_teams=owner.team_id), is_active=True)
        .exclude(pk=owner.pk)
        .distinct()
        .order_by("display_name", "email")
    )


_UNIT, _RECORD = "\x1f", "\x1e"


def attendee_entries() -> Subquery:
    """Per expense, its attendees in one text value for `attendee_entries_text` (an annotation: no query per row)."""
    entry = Concat(
        LPad(Cast("position", CharField()), 5, Value("0")), Value(_UNIT),
        LPad(Cast("id", CharField()), 20, Value("0")), Value(_UNIT),
        "name", Value(_UNIT), Coalesce("user__email", Value("")), Value(_UNIT), "company", Value(_UNIT),
        "relationship", Value(_UNIT), Coalesce(Cast("user_id", CharField()), Value("")), output_field=CharField(),
    )  # fmt: skip
    joined = (
        Attendee.objects.filter(expense=OuterRef("pk"))
        .order_by()
        .values("expense")
        .annotate(entries=RecordsJoined(entry))
        .values("entries")
    )
    return Subquery(joined, output_field=CharField())


def attendees_from_entries(entries: str | None) -> list[Attendee]:
    """`attendee_entries` as (unsaved) attendees in the meal's order, for a page that only shows them."""
    people = []
    for record in sorted(entries.split(_RECORD)) if entries else []:
        _position, pk, name, email, company, relationship, user_id = record.split(_UNIT)
        attendee = Attendee(pk=int(pk), name=name, company=company, relationship=relationship)
        attendee.user_id, attendee.email = (int(user_id) if user_id else None), email
        people.append(attendee)
    return people


def attendee_entries_text(entries: str | None) -> str:
    """`attendee_entries` as the attendees column's text, in the meal's order."""
    return ENTRY_SEPARATOR.join(
        attendee_text(name=a.name, email=a.email or None, company=a.company, relationship=a.relationship)
        for a in attendees_from_entries(entries)
    )
