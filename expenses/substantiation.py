"""Substantiation of a business meal: who was there, when, where, why, how much, and a receipt above the team's
threshold. One function says what is missing; the meal's page, its form, the approver's card, the API and the
submit service all ask it.

A meal is missing "who" when people at the table are not named (its party size counts more than its owner and
attendees); a meal for one is its owner's alone. The receipt threshold and whether gaps block a submit belong to
the owner's team (defaults: 75 in the reporting currency, not blocking, for someone without a team)."""

import dataclasses
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from accounts.models import Team
from expenses.models import Attendee, Expense, Receipt
from mealtracker.errors import DomainError
from mealtracker.money import format_money

DEFAULT_RECEIPT_THRESHOLD = Team._meta.get_field("receipt_threshold").default


@dataclasses.dataclass(frozen=True)
class Gap:
    item: str  # who, when, where, why, how_much, receipt
    field: str  # the input that fills it
    message: str


class Unsubstantiated(DomainError):
    """A team that makes substantiation blocking refuses to submit a meal with gaps; each gap names its field."""

    code = "unsubstantiated"

    def __init__(self, gaps: list[Gap]):
        super().__init__(
            "Complete the meal before submitting: " + " ".join(g.message for g in gaps), field=gaps[0].field
        )
        self.gaps = gaps
        self.errors = {}
        for gap in gaps:
            self.errors.setdefault(gap.field, []).append(gap.message)


def _count(model) -> Coalesce:
    counted = model.objects.filter(expense=OuterRef("pk")).order_by().values("expense").annotate(n=Count("id"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def with_substantiation_counts(expenses: QuerySet[Expense]) -> QuerySet[Expense]:
    """The expenses with what `substantiation_gaps` reads from other tables, so a list asks no query per row."""
    return expenses.select_related("owner__team").annotate(
        substantiation_receipts=_count(Receipt), substantiation_attendees=_count(Attendee)
    )


def receipt_threshold_for(team: Team | None) -> Decimal:
    return team.receipt_threshold if team is not None else DEFAULT_RECEIPT_THRESHOLD


def substantiation_gaps(expense: Expense) -> list[Gap]:
    """What a business meal still lacks, in the order who, when, where, why, how much, receipt ([] for personal
    meals). Uses the counts of `with_substantiation_counts` when present, else asks for them."""
    if not expense.is_business:
        return []
    attendees = getattr(expense, "substantiation_attendees", None)
    if attendees is None:
        listed = getattr(expense, "listed_attendees", None)  # the API's with_listed_relations
        attendees = len(listed) if listed is not None else expense.attendees.count()
    receipts = getattr(expense, "substantiation_receipts", getattr(expense, "receipt_count", None))
    if receipts is None:
        receipts = expense.receipts.count()
    gaps = []
    unnamed = expense.party_size - 1 - attendees
    if unnamed > 0:
        people = "person" if unnamed == 1 else "people"
        gaps.append(Gap("who", "attendees", f"Who: name the {unnamed} other {people} at the table."))
    if expense.occurred_at is None:
        gaps.append(Gap("when", "occurred_at", "When: give the meal's date and time."))
    if expense.restaurant_id is None:
        gaps.append(Gap("where", "restaurant", "Where: choose the restaurant."))
    if not (expense.business_purpose or "").strip():
        gaps.append(Gap("why", "business_purpose", "Why: say what the business purpose was."))
    if not expense.amount or expense.amount <= 0:
        gaps.append(Gap("how_much", "amount", "How much: give the amount paid."))
    # The team (a query when not loaded with the owner) only for a meal without a receipt.
    if (
        receipts == 0
        and expense.reporting_amount is not None
        and expense.reporting_amount > (threshold := receipt_threshold_for(expense.owner.team))
    ):
        gaps.append(
            Gap(
                "receipt",
                "receipt",
                f"Receipt: attach one, as the meal is over {format_money(threshold, settings.REPORTING_CURRENCY)}.",
            )
        )
    return gaps


def substantiation_check(expense: Expense) -> None:
    """Refuse (Unsubstantiated, a 400 naming each missing field) when the owner's team makes gaps blocking."""
    team = expense.owner.team
    if team is not None and team.substantiation_blocking:
        gaps = substantiation_gaps(expense)
        if gaps:
            raise Unsubstantiated(gaps)
