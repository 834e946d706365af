"""Reads of shares, balances and settlements. A share is seen by the two people it concerns (the one who paid and
the one who owes) and by either one's manager once the meal is a submitted business expense; a settlement only by
its two people. Every page and endpoint about them starts here."""

import dataclasses
from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.selectors import teams_managed_by
from expenses.choices import ExpenseStatus
from expenses.models import Expense, LineItem, Settlement, Share, Split
from mealtracker.errors import NotFound
from mealtracker.money import quantize

# A business meal a manager sees the shares of: sent for approval, whatever was decided since.
SUBMITTED_STATUSES = [ExpenseStatus.SUBMITTED, ExpenseStatus.APPROVED, ExpenseStatus.REJECTED, ExpenseStatus.REIMBURSED]


def shares_visible_to(user: User) -> QuerySet[Share]:
    """Shares of meals the user paid for or owes on; for a manager (or admin) also those of submitted business
    meals where the payer or the debtor is someone they review."""
    shares = Share.objects.select_related("expense", "expense__owner", "expense__restaurant", "user")
    concerned = Q(expense__owner=user) | Q(user=user)
    if user.is_admin or user.is_manager:
        teams = teams_managed_by(user)
        reviewed = Q(expense__is_business=True, expense__status__in=SUBMITTED_STATUSES) & (
            Q(expense__owner__team__in=teams) | Q(user__team__in=teams)
        )
        concerned |= reviewed
    return shares.filter(concerned)


def shares_of_expense(user: User, expense: Expense) -> list[Share]:
    """The shares of one meal as this user may see them: all of them for the payer (and a reviewing manager), only
    their own share for someone who owes on it."""
    shares = shares_visible_to(user).filter(expense=expense).prefetch_related("line_items").order_by("position")
    return list(shares)


def debts_owed_by(user: User) -> QuerySet[Share]:
    """What the user owes others for meals they paid ("Alice paid, you owe $23.40"), newest meal first."""
    return (
        Share.objects.filter(user=user)
        .exclude(expense__owner=user)
        .select_related("expense", "expense__owner", "expense__restaurant")
        .order_by("-expense__occurred_at", "-id")
    )


def debts_owed_to(user: User) -> QuerySet[Share]:
    """What colleagues owe the user for meals the user paid, newest meal first."""
    return (
        Share.objects.filter(expense__owner=user, user__isnull=False)
        .exclude(user=user)
        .select_related("expense", "expense__restaurant", "user")
        .order_by("-expense__occurred_at", "-id")
    )


def settlements_visible_to(user: User) -> QuerySet[Settlement]:
    return Settlement.objects.filter(Q(payer=user) | Q(payee=user)).select_related("payer", "payee")


def settlement_get(*, user: User, pk) -> Settlement:
    try:
        return settlements_visible_to(user).get(pk=pk)
    except (Settlement.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Settlement not found.") from exc


@dataclasses.dataclass
class Balance:
    """Where the user stands with one person in one currency: positive when they owe the user."""

    other: User
    currency: str
    owed_to_me: Decimal = Decimal(0)
    i_owe: Decimal = Decimal(0)
    paid_to_me: Decimal = Decimal(0)
    paid_by_me: Decimal = Decimal(0)

    @property
    def net(self) -> Decimal:
        return self.owed_to_me - self.i_owe - self.paid_to_me + self.paid_by_me

    @property
    def size(self) -> Decimal:
        """How much is owed, whichever way."""
        return abs(self.net)


def balances_for(user: User, *, other: User | None = None) -> list[Balance]:
    """The user's running balance with each person (or just `other`), per currency: shares either way, less the
    settlements either way. Five queries, however many meals and people."""
    pair = {"me": Q(), "them": Q()}
    if other is not None:
        pair = {"me": Q(user=other), "them": Q(expense__owner=other)}
    sums: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(dict)
    owed_to_me = (
        Share.objects.filter(pair["me"], expense__owner=user, user__isnull=False)
        .exclude(user=user)
        .values_list("user", "expense__currency")
        .annotate(total=Sum("total"))
        .order_by()
    )
    i_owe = (
        Share.objects.filter(pair["them"], user=user)
        .exclude(expense__owner=user)
        .values_list("expense__owner", "expense__currency")
        .annotate(total=Sum("total"))
        .order_by()
    )
    paid_to_me = (
        Settlement.objects.filter(payee=user, **({"payer": other} if other else {}))
        .values_list("payer", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    paid_by_me = (
        Settlement.objects.filter(payer=user, **({"payee": other} if other else {}))
        .values_list("payee", "currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for name, rows in (("owed_to_me", owed_to_me), ("i_owe", i_owe), ("paid_to_me", paid_to_me),
                       ("paid_by_me", paid_by_me)):  # fmt: skip
        for person, currency, total in rows:
            sums[(person, currency)][name] = quantize(total or Decimal(0), currency)  # SQLite sums as floats
    people = User.objects.in_bulk({person for person, _ in sums})
    balances = [
        Balance(other=people[person], currency=currency, **figures)
        for (person, currency), figures in sums.items()
        if person in people
    ]
    return sorted(balances, key=lambda b: (str(b.other).lower(), b.other.pk, b.currency))


def line_items_of(expense: Expense) -> list[LineItem]:
    return list(LineItem.objects.filter(expense=expense).order_by("position", "id"))


def items_total_of(expense: Expense) -> Decimal | None:
    """The sum of the bill's items, or None when it has none."""
    total = LineItem.objects.filter(expense=expense).aggregate(total=Sum("amount"))["total"]
    return total


def colleagues_with_balances(user: User) -> QuerySet[User]:
    """People the user shares a meal or a settlement with (those they can settle up with)."""
    return (
        User.objects.filter(
            Q(meal_shares__expense__owner=user)
            | Q(expenses__shares__user=user)
            | Q(settlements_paid__payee=user)
            | Q(settlements_received__payer=user)
        )
        .exclude(pk=user.pk)
        .distinct()
    )


def expenses_shared_by(user: User) -> QuerySet[Expense]:
    """Meals the user ate, for "my share" reports: those they paid and those they owe a share of, each annotated
    with `spend`, the user's own part in the reporting currency (their share when the meal is split, the whole
    amount when they paid an unsplit meal, nothing when they paid for others only), and `people_fed` (1: them).

    No join (the shares are a subquery), so each meal is one row and the reports' sums stay right."""
    mine = Share.objects.filter(expense=OuterRef("pk"), user=user).order_by("position").values("reporting_total")[:1]
    unsplit_and_paid = Q(owner=user) & ~Exists(Split.objects.filter(expense=OuterRef("pk")))
    money = DecimalField(max_digits=14, decimal_places=2)
    paid_whole = Case(When(unsplit_and_paid, then=F("reporting_amount")), default=Value(0), output_field=money)
    return (
        Expense.objects.filter(Q(owner=user) | Q(pk__in=Share.objects.filter(user=user).values("expense")))
        .select_related("owner", "restaurant", "category")
        .annotate(
            spend=Coalesce(Subquery(mine, output_field=money), paid_whole, output_field=money),
            people_fed=Value(1, output_field=IntegerField()),
        )
    )


def with_paid_spend(expenses: QuerySet[Expense]) -> QuerySet[Expense]:
    """`expenses` annotated for "what I paid" reports: `spend` is the amount paid, `people_fed` the party size."""
    return expenses.annotate(spend=F("reporting_amount"), people_fed=F("party_size"))
