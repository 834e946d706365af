"""Read queries for expenses and the objects around them. Every list a user sees starts here."""

from collections.abc import Sequence

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.selectors import teams_readable_by
from expenses.choices import BUSINESS_STATUSES, ExpenseStatus
from expenses.filters import ExpenseFilter, expense_order_by
from expenses.models import Attendee, Category, Expense, LineItem, Merchant, Receipt, Restaurant, Tag
from expenses.services.validation import InvalidFields
from mealtracker.errors import NotAllowed, NotFound
from mealtracker.forms import names_a_filter
from mealtracker.money import as_money, average
from mealtracker.request_context import request_cache


def expenses_visible_to(user: User) -> QuerySet[Expense]:
    """Own expenses; plus the teams' for a manager (or a delegate) and an auditor; sent business meals of every team
    for finance; everything for an admin."""
    expenses = Expense.objects.select_related("owner", "restaurant", "restaurant__merchant", "category")
    if user.is_admin:
        return expenses
    if not (user.is_manager or user.is_finance or user.is_auditor):
        return expenses.filter(owner=user)
    if user.is_finance:
        # Finance reads every team's business meals once they are sent for approval (never drafts or personal meals).
        sent = [s for s in BUSINESS_STATUSES if s != ExpenseStatus.DRAFT]
        return expenses.filter(Q(owner=user) | Q(is_business=True, status__in=sent))
    # Managers (and delegates standing in for one) read their teams; auditors the teams assigned to them.
    # `owner_id IN (those users)`, not an OR across a join to the users table, so the planner can use the
    # (owner, -occurred_at) index instead of scanning every expense with the status filters (docs/performance.md).
    # The ids are read first (a team is tens of people): a literal list is estimated exactly, where a subquery
    # was guessed at half of all users and turned into a sequential scan of every expense.
    return expenses.filter(owner__in=_readable_owners(user))


def _readable_owners(user: User) -> list[int]:
    """The user and the members of the teams they read; asked once a request (a Reports page asks seven times)."""
    cache, key = request_cache(), ("readable_owners", user.pk)
    if cache is not None and key in cache:
        return cache[key]
    owners = [user.pk, *User.objects.filter(team__in=teams_readable_by(user)).values_list("pk", flat=True)]
    if cache is not None:
        cache[key] = owners
    return owners


def expenses_awaiting_review_by(user: User) -> QuerySet[Expense]:
    """Expenses waiting for this user's decision (never their own): submitted ones of the teams they manage or stand
    in for; for finance, those awaiting the second approval (admins see both)."""
    if user.is_admin:
        statuses = [ExpenseStatus.SUBMITTED, ExpenseStatus.SECOND_REVIEW]
    elif user.is_finance:
        statuses = [ExpenseStatus.SECOND_REVIEW]
    elif not user.is_auditor and teams_readable_by(user).exists():
        statuses = [ExpenseStatus.SUBMITTED]
    else:
        return Expense.objects.none()
    return expenses_visible_to(user).filter(status__in=statuses).exclude(owner=user).order_by("occurred_at", "id")


def expense_get(*, user: User, pk) -> Expense:
    """One expense the user may see; anything else is 'not found' so existence never leaks."""
    try:
        return expenses_visible_to(user).get(pk=pk)
    except (Expense.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Expense not found.") from exc


def restaurants_owned_by(user: User) -> QuerySet[Restaurant]:
    return Restaurant.objects.filter(owner=user).select_related("merchant")


def categories_owned_by(user: User) -> QuerySet[Category]:
    return Category.objects.filter(owner=user)


def tags_owned_by(user: User) -> QuerySet[Tag]:
    return Tag.objects.filter(owner=user)


def recent_expenses(user: User, limit: int = 10) -> QuerySet[Expense]:
    return expenses_visible_to(user).filter(owner=user)[:limit]


# What a listed expense shows of its owner, team, restaurant, merchant and category (the serializer's
# to_representation): a page of 25 read some 120 columns of theirs it never wrote out.
LISTED_RELATED_COLUMNS = (
    "owner__email", "owner__display_name", "owner__timezone",
    "owner__team", "owner__team__receipt_threshold", "owner__team__substantiation_blocking",
    "restaurant__name", "restaurant__location_name", "restaurant__merchant", "restaurant__merchant__short_name",
    "category__name",
)  # fmt: skip


def with_listed_columns(expenses: QuerySet[Expense]) -> QuerySet[Expense]:
    """`expenses` reading every column of the expense, and of its relations only what a list shows."""
    return expenses.only(*(field.name for field in Expense._meta.concrete_fields), *LISTED_RELATED_COLUMNS)


def expenses_listed_for(user: User, *, scope: str = "mine") -> QuerySet[Expense]:
    """The expense list: the caller's own (`mine`) or everything they review (`team`), ready to serialize."""
    expenses = expenses_visible_to(user)
    if scope == "team":
        if not (user.is_manager or user.is_admin or user.is_finance or user.is_auditor):
            raise NotAllowed("Only managers and admins can list a team's expenses.", field="scope")
    else:
        expenses = expenses.filter(owner=user)
    # A correlated count, not a JOIN + GROUP BY: grouping made PostgreSQL read and sort every matching row before
    # the LIMIT of a page (1.5 s for a page 10,000 rows deep at 1M expenses).
    receipts = Receipt.objects.filter(expense=OuterRef("pk")).order_by().values("expense").annotate(n=Count("id"))
    receipt_count = Coalesce(Subquery(receipts.values("n"), output_field=IntegerField()), Value(0))
    # Tags into a plain list (`listed_tags`): a prefetch into `tags` hangs a QuerySet on each expense that points
    # back at it, and those reference cycles left ~3,000 objects a page for the garbage collector to free, in
    # pauses of up to 80 ms (docs/performance.md).
    tags = Prefetch("tags", queryset=Tag.objects.only("name"), to_attr="listed_tags")
    attendees = Prefetch("attendees", queryset=Attendee.objects.order_by("position", "id"), to_attr="listed_attendees")
    items = LineItem.objects.filter(expense=OuterRef("pk")).order_by().values("expense").annotate(t=Sum("amount"))
    # The owner's team: substantiation reads its receipt threshold.
    expenses = expenses.select_related("owner__team")
    return expenses.prefetch_related(tags, attendees).annotate(
        receipt_count=receipt_count, items_total=Subquery(items.values("t"))
    )


def expense_totals(expenses: QuerySet[Expense]) -> dict:
    """Count, sum and average per person (in the reporting currency) of a filtered list, in one query."""
    figures = {"count": Count("id"), "total": Sum("reporting_amount"), "people": Sum("party_size")}
    if expenses.query.distinct:
        # A DISTINCT list may carry joins that repeat a row: aggregate over its ids so none counts twice.
        expenses = Expense.objects.filter(pk__in=expenses.order_by().values("pk"))
    # Otherwise straight over the list (one row per expense): the ids detour read every expense twice.
    totals = expenses.order_by().aggregate(**figures)
    total = as_money(totals["total"])
    return {
        "count": totals["count"],
        "total": total,
        "average_per_person": average(total, totals["people"]) or as_money(0),
        "currency": settings.REPORTING_CURRENCY,
    }


def expenses_filtered(
    viewer: User, query, *, expenses: QuerySet[Expense] | None = None, strict: bool = True
) -> QuerySet[Expense]:
    """`expenses` (default: the viewer's own) narrowed by the list filters in `query` (a QueryDict or a
    MultiValueDict; expenses.filters defines them for the web list, the API and the reports alike).

    An invalid filter is refused with a DomainError naming each field (`strict`), or left out (the web list).
    """
    if expenses is None:
        expenses = expenses_visible_to(viewer).filter(owner=viewer)
    if not names_a_filter(ExpenseFilter, query):
        return expenses  # a report page asks for six lists: building filter sets was most of its time
    filterset = ExpenseFilter(query, expenses, viewer=viewer)
    if strict and not filterset.is_valid():
        raise InvalidFields({field: [str(m) for m in messages] for field, messages in filterset.errors.items()})
    return filterset.qs


def expenses_ordered(expenses: QuerySet[Expense], ordering: Sequence[str] = ()) -> QuerySet[Expense]:
    """`expenses` in one of the list's orderings (`["-restaurant"]`; default newest first), ties broken by the
    newest meal, then the highest id; an ordering the list does not offer is refused, naming `ordering`."""
    annotations, keys = expense_order_by(ordering)
    return expenses.annotate(**annotations).order_by(*keys)


def receipts_visible_to(user: User) -> QuerySet[Receipt]:
    """Receipts of the expenses the user may see."""
    return Receipt.objects.filter(expense__in=expenses_visible_to(user).values("pk")).select_related("expense")


def merchants_all() -> QuerySet[Merchant]:
    """The global merchant catalogue (everyone reads it)."""
    return Merchant.objects.all()
