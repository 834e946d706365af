"""Read queries for expenses and the objects around them. Every list a user sees starts here."""

import functools
from collections.abc import Sequence

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import Team, User
from accounts.selectors import teams_readable_by
from expenses.choices import BUSINESS_STATUSES, ExpenseStatus
from expenses.filters import ExpenseFilter, expense_order_by
from expenses.models import Attendee, Category, Expense, ExpenseTag, LineItem, Merchant, Receipt, Restaurant, Tag
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


# What a listed team's expense shows of its owner and their team (the serializer's to_representation).
LISTED_OWNER_COLUMNS = (
    "owner__email", "owner__display_name", "owner__timezone",
    "owner__team", "owner__team__receipt_threshold", "owner__team__substantiation_blocking",
)  # fmt: skip


def with_listed_columns(expenses: QuerySet[Expense], *, scope: str = "mine") -> QuerySet[Expense]:
    """`expenses` (from `expenses_listed_for` with the same scope) reading every column of the expense, and of its
    restaurant and category only the names a list shows, as columns (`listed_restaurant_brand`,
    `listed_restaurant_location`, `listed_category_name`) rather than as model instances: a page of 25 built 50 of
    them for three strings a row."""
    expenses = expenses.select_related(None)
    owner_columns = ()
    if scope == "team":
        expenses, owner_columns = expenses.select_related("owner__team"), LISTED_OWNER_COLUMNS
    return expenses.annotate(**_listed_names()).only(
        *(field.name for field in Expense._meta.concrete_fields), *owner_columns
    )


@functools.cache
def _listed_names() -> dict:
    return {
        "listed_restaurant_brand": Restaurant.brand_of("restaurant__"),
        "listed_restaurant_location": F("restaurant__location_name"),
        "listed_category_name": F("category__name"),
    }


def expenses_listed_for(user: User, *, scope: str = "mine") -> QuerySet[Expense]:
    """The expense list: the caller's own (`mine`) or everything they review (`team`). Pass what is read of it
    through `with_listed_relations` before it is written out."""
    expenses = expenses_visible_to(user)
    if scope == "team":
        if not (user.is_manager or user.is_admin or user.is_finance or user.is_auditor):
            raise NotAllowed("Only managers and admins can list a team's expenses.", field="scope")
        # The owners and their teams (substantiation reads a team's receipt threshold).
        expenses = expenses.select_related("owner__team")
    else:
        # Every expense is the caller's: `with_listed_relations` hands each the caller instead of a copy per row.
        expenses = expenses.filter(owner=user).select_related(None).select_related("restaurant__merchant", "category")
    return expenses.annotate(**_listed_annotations())


@functools.cache
def _listed_annotations() -> dict:
    """The receipt count and line items' total of each listed expense. Built once: a query copies the expressions
    it is given, and building them was a third of `expenses_listed_for`'s time."""
    # A correlated count, not a JOIN + GROUP BY: grouping made PostgreSQL read and sort every matching row before
    # the LIMIT of a page (1.5 s for a page 10,000 rows deep at 1M expenses).
    receipts = Receipt.objects.filter(expense=OuterRef("pk")).order_by().values("expense").annotate(n=Count("id"))
    receipt_count = Coalesce(Subquery(receipts.values("n"), output_field=IntegerField()), Value(0))
    items = LineItem.objects.filter(expense=OuterRef("pk")).order_by().values("expense").annotate(t=Sum("amount"))
    return {"receipt_count": receipt_count, "items_total": Subquery(items.values("t"))}


@functools.cache
def _listed_relations_sql(count: int) -> tuple[str, str]:
    """The statements of `with_listed_relations` for `count` expense ids, in each model's own order."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name  # the same double quotes on PostgreSQL and SQLite
    link, tag, attendee = ExpenseTag._meta, Tag._meta, Attendee._meta
    link_expense, link_tag = quote(link.get_field("expense").column), quote(link.get_field("tag").column)
    tag_id, tag_name = quote(tag.pk.column), quote(tag.get_field("name").column)
    ids = ", ".join(["%s"] * count)
    tags_sql = (
        f"SELECT link.{link_expense}, tag.{tag_name} FROM {quote(link.db_table)} link "  # noqa: S608
        f"JOIN {quote(tag.db_table)} tag ON tag.{tag_id} = link.{link_tag} "
        f"WHERE link.{link_expense} IN ({ids}) ORDER BY tag.{tag_name}, tag.{tag_id}"  # nosec B608
    )
    columns = ", ".join(quote(field.column) for field in attendee.concrete_fields)
    expense_id, position = quote(attendee.get_field("expense").column), quote(attendee.get_field("position").column)
    attendees_sql = (
        f"SELECT {columns} FROM {quote(attendee.db_table)} WHERE {expense_id} IN ({ids}) "  # noqa: S608
        f"ORDER BY {position}, {quote(attendee.pk.column)}"  # nosec B608
    )
    return tags_sql, attendees_sql


@functools.cache
def _team_sql() -> str:
    quote, team = connections[DEFAULT_DB_ALIAS].ops.quote_name, Team._meta
    columns = ", ".join(quote(field.column) for field in team.concrete_fields)
    return f"SELECT {columns} FROM {quote(team.db_table)} WHERE {quote(team.pk.column)} = %s"  # noqa: S608  # nosec B608


def with_listed_relations(expenses: Sequence[Expense], *, reader: User) -> Sequence[Expense]:
    """Give each of `expenses` (read through `expenses_listed_for`) its tags' names (`listed_tag_names`), its
    attendees in order (`listed_attendees`) and, where the reader owns it and its owner was not read with it, the
    reader as its owner (with their team when one of them is a business meal).

    Plain statements for the lot (two; three with the team), written out here rather than prefetched or read through
    the ORM: Django's prefetch compiled two queries and built a related manager per expense, some 30 % of an API list
    page's CPU, and a prefetch into `tags` hung a QuerySet on each expense pointing back at it, reference cycles that
    left ~3,000 objects a page for the garbage collector (docs/performance.md)."""
    by_id = {expense.pk: expense for expense in expenses}
    if not by_id:
        return expenses
    for expense in expenses:
        expense.listed_tag_names, expense.listed_attendees = [], []
        if expense.owner_id == reader.pk and not Expense.owner.is_cached(expense):
            expense.owner = reader
    database = next(iter(by_id.values()))._state.db
    ids = list(by_id)
    tags_sql, attendees_sql = _listed_relations_sql(len(ids))
    attendee_names = [field.attname for field in Attendee._meta.concrete_fields]
    with connections[database].cursor() as cursor:
        cursor.execute(tags_sql, ids)
        for expense_id, name in cursor.fetchall():
            by_id[expense_id].listed_tag_names.append(name)
        cursor.execute(attendees_sql, ids)
        for row in cursor.fetchall():
            attendee = Attendee.from_db(database, attendee_names, row)
            by_id[attendee.expense_id].listed_attendees.append(attendee)
        # Substantiation judges the reader's business meals by their team's receipt threshold.
        if (
            reader.team_id is not None
            and not User.team.is_cached(reader)
            and any(expense.is_business and expense.owner is reader for expense in expenses)
        ):
            cursor.execute(_team_sql(), [reader.team_id])
            row = cursor.fetchone()
            if row is not None:
                reader.team = Team.from_db(database, [field.attname for field in Team._meta.concrete_fields], row)
    return expenses


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
