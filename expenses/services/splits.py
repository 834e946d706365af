"""Line items of a bill, splitting a meal among its people, and settling up between colleagues.

The arithmetic is expenses/services/split_maths.py; this module reads the meal, checks who may do what, and
stores the result. Web pages, the API and the admin all come through here.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.realtime import push
from expenses.models import Expense, LineItem, Settlement, Share, Split, SplitMethod
from expenses.services import split_maths
from expenses.services.history import expense_history_note, line_items_text
from mealtracker.errors import DomainError, NotAllowed
from mealtracker.money import MAX_AMOUNT, allocate, has_valid_precision, is_currency_code, precision_error

MAX_LINE_ITEMS = 200
BILL_FIELDS = {"amount", "tax", "tip", "fees", "currency", "exchange_rate", "occurred_at"}


@dataclasses.dataclass(frozen=True)
class Person:
    """Someone at the table: the owner (`key` "owner") or an attendee (`key` "attendee-<id>")."""

    key: str
    name: str
    user: User | None = None
    attendee: object = None


def split_people(expense: Expense) -> list[Person]:
    """The owner, then the meal's attendees in their order."""
    owner = expense.owner
    people = [Person("owner", owner.display_name or owner.email, owner)]
    for attendee in expense.attendees.select_related("user").order_by("position", "id"):
        people.append(Person(f"attendee-{attendee.pk}", attendee.name, attendee.user, attendee))
    return people


def bill_of(expense: Expense) -> split_maths.Bill:
    return split_maths.Bill(
        amount=expense.amount, tax=expense.tax, tip=expense.tip, fees=expense.fees, currency=expense.currency
    )


def _check_owner(expense: Expense, actor: User) -> None:
    if expense.owner_id != actor.pk and not actor.is_admin:
        raise NotAllowed("Only the person who paid can change the bill's items or its split.")


def _money(value, currency: str, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError as exc:
        raise DomainError("Enter an amount.", field=field) from exc
    if not amount.is_finite() or amount < 0:
        raise DomainError("An amount cannot be negative.", field=field)
    if amount > MAX_AMOUNT:
        raise DomainError(f"An amount can be at most {MAX_AMOUNT:,}.", field=field, code="max_value")
    if not has_valid_precision(amount, currency):
        raise DomainError(precision_error(currency), field=field)
    return amount


@transaction.atomic
def line_items_replace(*, expense: Expense, actor: User, items: list[dict]) -> list[LineItem]:
    """Replace the bill's items (each: description, quantity, amount). A by-items split is split again or dropped."""
    _check_owner(expense, actor)
    if len(items) > MAX_LINE_ITEMS:
        raise DomainError(f"A bill can have at most {MAX_LINE_ITEMS} items.", field="items")
    rows = []
    for position, item in enumerate(items):
        description = str(item.get("description") or "").strip()
        if not description:
            raise DomainError(f"Item {position + 1} needs a description.", field="items")
        if len(description) > 200:
            raise DomainError(f"Item {position + 1}'s description is longer than 200 characters.", field="items")
        try:
            quantity = Decimal(str(item.get("quantity") or 1))
        except ArithmeticError as exc:
            raise DomainError(f"Item {position + 1}'s quantity is not a number.", field="items") from exc
        if (
            not quantity.is_finite()
            or quantity <= 0
            or quantity >= 100000
            or quantity != quantity.quantize(Decimal("0.001"))
        ):
            raise DomainError(f"Item {position + 1}'s quantity must be above zero.", field="items")
        amount = _money(item.get("amount"), expense.currency, "items")
        rows.append(LineItem(expense=expense, position=position, description=description, quantity=quantity,
                             amount=amount))  # fmt: skip
    Expense.objects.select_for_update().filter(pk=expense.pk).first()
    items_before = line_items_text(expense)
    LineItem.objects.filter(expense=expense).delete()
    created = LineItem.objects.bulk_create(rows)
    expense_history_note(
        expense=expense, actor=actor, field="line_items", old=items_before, new=line_items_text(expense)
    )
    if hasattr(expense, "split") and expense.split.method == SplitMethod.ITEMS:
        split_remove(expense=expense, actor=actor)
    return created


def line_items_fill_from_receipt(*, expense: Expense, items: list) -> list[LineItem]:
    """The bill's lines as a receipt reading found them (description, quantity, amount), when the meal has none
    yet: what the user typed is never replaced. Lines with more decimals than the currency are left out."""
    if LineItem.objects.filter(expense=expense).exists():
        return []
    rows = [
        LineItem(expense=expense, position=position, description=item.description[:200], quantity=item.quantity,
                 amount=item.amount)
        for position, item in enumerate(items[:MAX_LINE_ITEMS])
        if item.amount >= 0 and has_valid_precision(item.amount, expense.currency) and 0 < item.quantity < 100000
    ]  # fmt: skip
    return LineItem.objects.bulk_create(rows)


def items_mismatch(expense: Expense, items_total: Decimal | None) -> Decimal | None:
    """How far subtotal + tax + tip + fees is from the amount paid, when the bill has items (0 when they agree)."""
    if items_total is None:
        return None
    return items_total + expense.tax + expense.tip + expense.fees - expense.amount


def _people_by_key(expense: Expense) -> dict[str, Person]:
    return {person.key: person for person in split_people(expense)}


def _weights_for(people: dict[str, Person], given: dict, field: str, currency: str | None = None) -> dict[str, Decimal]:
    unknown = set(given) - set(people)
    if unknown:
        raise DomainError(f"{sorted(unknown)[0]} is not at this meal.", field=field)
    weights = {}
    for key, value in given.items():
        if currency:
            weights[key] = _money(value, currency, field)
            continue
        try:
            weight = Decimal(str(value))
        except ArithmeticError as exc:
            raise DomainError("A share must be a number.", field=field) from exc
        if not weight.is_finite() or weight < 0 or weight > 10000 or weight != weight.quantize(Decimal("0.001")):
            raise DomainError("A share is a number from 0 to 10000 with at most three decimals.", field=field)
        weights[key] = weight
    return weights


@transaction.atomic
def expense_split(
    *,
    expense: Expense,
    actor: User,
    method: str,
    people: list[str] | None = None,
    weights: dict[str, Decimal] | None = None,
    amounts: dict[str, Decimal] | None = None,
    items: dict[int, list[str]] | None = None,
) -> list[Share]:
    """Split a meal among its people and store each one's subtotal, tax, tip, fees and total (replacing any split).

    `people` (keys from split_people) for an even split; `weights` for shares; `amounts` for exact amounts;
    `items` maps each line item's id to the keys of the people who had it."""
    expense = Expense.objects.select_for_update().select_related("owner").get(pk=expense.pk)
    _check_owner(expense, actor)
    if method not in SplitMethod.values:
        raise DomainError(f"Split by one of: {', '.join(SplitMethod.values)}.", field="method")
    everyone = _people_by_key(expense)
    bill = bill_of(expense)
    split_maths.check_bill(bill)
    claims: dict[str, list[LineItem]] = {}
    if method == SplitMethod.ITEMS:
        bill_items = list(LineItem.objects.filter(expense=expense))
        given = {str(k): list(v) for k, v in (items or {}).items()}
        unknown = set(given) - {str(item.pk) for item in bill_items}
        if unknown:
            raise DomainError("An item is not on this bill.", field="items")
        keys = list(everyone)
        for holders in given.values():
            _weights_for(everyone, dict.fromkeys(holders, 1), "items")
        pairs = [(item.amount, [keys.index(k) for k in given.get(str(item.pk), [])]) for item in bill_items]
        amounts_by_person = split_maths.split_by_items(bill, pairs, len(keys))
        chosen = [(everyone[k], Decimal(1), amounts_by_person[i]) for i, k in enumerate(keys)]
        for item in bill_items:
            for key in given.get(str(item.pk), []):
                claims.setdefault(key, []).append(item)
        chosen = [entry for entry in chosen if entry[0].key in claims or entry[2].total]
    elif method == SplitMethod.EXACT:
        typed = _weights_for(everyone, amounts or {}, "amounts", expense.currency)
        keys = [key for key in everyone if typed.get(key)]
        result = split_maths.split_by_exact(bill, [typed[k] for k in keys])
        chosen = [(everyone[k], typed[k], result[i]) for i, k in enumerate(keys)]
    else:
        if method == SplitMethod.EVEN:
            keys = list(people if people is not None else everyone)
            given = dict.fromkeys(keys, 1)
        else:
            given = weights or {}
        typed = _weights_for(everyone, given, "people" if method == SplitMethod.EVEN else "weights")
        keys = [key for key in everyone if typed.get(key)]
        if not keys:
            raise DomainError("Choose at least one person to split with.", field="people")
        result = split_maths.split_by_weights(bill, [typed[k] for k in keys])
        chosen = [(everyone[k], typed[k], result[i]) for i, k in enumerate(keys)]
    return _store(expense, actor, method, chosen, claims)


def balances_changed(user_ids, *, expense: Expense | None = None) -> None:
    """Tell the open pages of everyone whose balance moved, once committed; their balances pages re-read."""
    people = {pk for pk in user_ids if pk}
    event = {"event": "balance.changed", "expense": expense.pk if expense is not None else None}
    transaction.on_commit(lambda: push(people, event))


def _sharers(expense: Expense) -> set[int]:
    """The owner and every colleague with a share of the meal (guests have no account to tell)."""
    return {
        expense.owner_id,
        *Share.objects.filter(expense=expense, user__isnull=False).values_list("user_id", flat=True),
    }


def _store(expense: Expense, actor: User, method: str, chosen: list, claims: dict) -> list[Share]:
    before = _sharers(expense)
    Share.objects.filter(expense=expense).delete()
    Split.objects.update_or_create(expense=expense, defaults={"method": method, "split_by": actor})
    totals = [amounts.total for _, _, amounts in chosen]
    reporting = (
        allocate(expense.reporting_amount, totals, settings.REPORTING_CURRENCY)
        if any(totals)
        else [Decimal(0)] * len(totals)
    )
    shares = Share.objects.bulk_create(
        Share(
            expense=expense,
            position=position,
            user=person.user,
            attendee=person.attendee,
            name=person.name[:150],
            weight=weight,
            subtotal=amounts.subtotal,
            tax=amounts.tax,
            tip=amounts.tip,
            fees=amounts.fees,
            total=amounts.total,
            rounding=amounts.rounding,
            reporting_total=reporting[position],
        )
        for position, (person, weight, amounts) in enumerate(chosen)
    )
    links = [
        Share.line_items.through(share_id=share.pk, lineitem_id=item.pk)
        for share, (person, _, _) in zip(shares, chosen, strict=True)
        for item in claims.get(person.key, [])
    ]
    Share.line_items.through.objects.bulk_create(links)
    balances_changed(before | {person.user.pk for person, _, _ in chosen if person.user}, expense=expense)
    return shares


@transaction.atomic
def split_remove(*, expense: Expense, actor: User) -> None:
    """Undo a meal's split: nobody owes anything for it any more."""
    _check_owner(expense, actor)
    balances_changed(_sharers(expense), expense=expense)
    Share.objects.filter(expense=expense).delete()
    Split.objects.filter(expense=expense).delete()


def split_refresh(*, expense: Expense, actor: User) -> None:
    """After the bill's figures changed: split again the same way, or drop the split when that no longer works
    (exact amounts that no longer add up, items that no longer match)."""
    split = Split.objects.filter(expense=expense).first()
    if split is None:
        return
    shares = list(expense.shares.prefetch_related("line_items"))
    people = split_people(expense)
    keys = {share.pk: _share_key(share, expense, people) for share in shares}
    try:
        if None in keys.values():
            raise DomainError("Someone who shared the meal is no longer at it.")
        if split.method == SplitMethod.ITEMS:
            items: dict[int, list[str]] = {}
            for share in shares:
                for item in share.line_items.all():
                    items.setdefault(item.pk, []).append(keys[share.pk])
            expense_split(expense=expense, actor=split.split_by or actor, method=split.method, items=items)
        elif split.method in {SplitMethod.EVEN, SplitMethod.SHARES}:
            weights = {keys[share.pk]: share.weight for share in shares}
            expense_split(expense=expense, actor=split.split_by or actor, method=SplitMethod.SHARES, weights=weights)
            Split.objects.filter(expense=expense).update(method=split.method)
        else:
            raise DomainError("Exact amounts no longer add up.")
    except DomainError:
        split_remove(expense=expense, actor=expense.owner)


def split_as_entered(expense: Expense) -> dict:
    """How the meal was last split, in the terms it is entered: method, who took part, weights, amounts and who had
    each item, keyed like split_people (for the split form to start from)."""
    split = Split.objects.filter(expense=expense).first()
    if split is None:
        return {}
    people = split_people(expense)
    shares = list(expense.shares.prefetch_related("line_items"))
    entered = {"method": split.method, "people": [], "weights": {}, "amounts": {}, "items": {}}
    for share in shares:
        key = _share_key(share, expense, people)
        if key is None:
            continue
        entered["people"].append(key)
        entered["weights"][key] = share.weight
        entered["amounts"][key] = share.total
        for item in share.line_items.all():
            entered["items"].setdefault(item.pk, []).append(key)
    return entered


def _share_key(share: Share, expense: Expense, people: list[Person]) -> str | None:
    """Who a stored share is for among the meal's people now (attendees are rewritten when the meal is edited):
    the owner, the colleague with that account, or the guest with that name; None when they left the meal."""
    if share.user_id == expense.owner_id and share.attendee_id is None:
        return "owner"
    for person in people[1:]:
        if (share.user_id and person.user and person.user.pk == share.user_id) or (
            not share.user_id and not person.user and person.name == share.name
        ):
            return person.key
    return None


def settled_between(first: User, second: User) -> bool:
    """True when the two have a meal share between them (the only people one can settle up with)."""
    return (
        Share.objects.filter(Q(user=first, expense__owner=second) | Q(user=second, expense__owner=first)).exists()
        or Settlement.objects.filter(Q(payer=first, payee=second) | Q(payer=second, payee=first)).exists()
    )


@transaction.atomic
def settlement_record(
    *,
    payer: User,
    payee: User,
    amount: Decimal,
    currency: str,
    recorded_by: User,
    settled_on: datetime.date | None = None,
    note: str = "",
) -> Settlement:
    """Record that `payer` paid `payee` back. Either of the two may record it; nothing is ever edited or deleted —
    a mistake is corrected by a settlement the other way."""
    if recorded_by.pk not in {payer.pk, payee.pk}:
        raise NotAllowed("Only the two people concerned can record a settlement.")
    if payer.pk == payee.pk:
        raise DomainError("Settle up with someone else.", field="payee")
    currency = (currency or "").upper()
    if not is_currency_code(currency):
        raise DomainError(f"{currency or 'That'} is not a supported ISO 4217 currency code.", field="currency")
    amount = _money(amount, currency, "amount")
    if amount <= 0:
        raise DomainError("The amount must be greater than zero.", field="amount")
    other = payee if recorded_by.pk == payer.pk else payer
    if not settled_between(payer, payee):
        raise DomainError("You can only settle up with someone you shared a meal with.",
                          field="payee" if other is payee else "payer")  # fmt: skip
    settled_on = settled_on or timezone.localdate()
    if settled_on > timezone.localdate() + datetime.timedelta(days=1):
        raise DomainError("A settlement cannot be in the future.", field="settled_on")
    note = (note or "").strip()
    if len(note) > 200:
        raise DomainError("Keep the note under 200 characters.", field="note")
    settlement = Settlement.objects.create(
        payer=payer, payee=payee, amount=amount, currency=currency, settled_on=settled_on, note=note,
        recorded_by=recorded_by,
    )  # fmt: skip
    balances_changed([payer.pk, payee.pk])
    return settlement
