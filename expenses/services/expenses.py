"""Creating, changing and deleting expenses."""

import datetime
import functools
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, router, transaction
from django.db.models import Model, signals
from django.db.models.base import ModelState
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone

from accounts.models import User
from expenses.choices import ExpenseStatus
from expenses.fields import EDITABLE_FIELD_NAMES
from expenses.models import Attendee, Category, Expense, ExpenseTag, Restaurant, Tag
from expenses.permissions import can_edit_expense
from expenses.services.attendees import Colleagues, attendee_rows, attendees_replace, party_size_with
from expenses.services.catalog import normalise_tag_name, tags_resolve
from expenses.services.currency import conversion_for
from expenses.services.events import publish, publish_many
from expenses.services.history import expense_history_record, expense_state, expenses_created_record
from expenses.services.policies import policy_flags_refresh
from expenses.services.splits import BILL_FIELDS, split_refresh
from expenses.services.validation import full_clean_or_raise, validation_error_to_domain
from mealtracker import metrics
from mealtracker.bulk_writes import insert_all
from mealtracker.errors import DomainError, NotAllowed, StaleWrite
from mealtracker.money import MAX_AMOUNT, has_valid_precision, is_currency_code, precision_error
from mealtracker.write_stamps import data_changed

# A meal can be logged a little ahead (timezones, clock drift) but not booked into the future.
FUTURE_TOLERANCE = datetime.timedelta(days=1)

# What expense_create and expense_update accept: the entered fields of the one declaration (expenses/fields.py).
EDITABLE_FIELDS = EDITABLE_FIELD_NAMES
CONVERSION_FIELDS = {"amount", "currency", "occurred_at", "exchange_rate", "charged_amount", "charged_currency"}
# Set by the conversion after validation, so model validation leaves them out.
CLEAN_EXCLUDE = ["owner", "reporting_amount", "exchange_rate", "charged_currency"]
RELATED_FIELDS = ("restaurant", "category")
BULK_BATCH_SIZE = 1000


class ExpenseDraftsRefused(DomainError):
    """expenses_create_many wrote nothing: `refused` maps each refused draft's index to its error."""

    def __init__(self, refused: dict[int, DomainError]):
        super().__init__(f"{len(refused)} expense(s) were refused; nothing was written.")
        self.refused = refused


def _check_owned(owner: User, *, restaurant=None, category=None, tags=()) -> None:
    # Someone else's restaurant, category or tag is refused on that field (and never leaks that it exists).
    if isinstance(restaurant, Restaurant) and restaurant.owner_id != owner.pk:
        raise DomainError("Choose one of your own restaurants.", field="restaurant")
    if isinstance(category, Category) and category.owner_id != owner.pk:
        raise DomainError("Choose one of your own categories.", field="category")
    if any(isinstance(tag, Tag) and tag.owner_id != owner.pk for tag in tags):
        raise DomainError("Choose your own tags.", field="tags")


def _check_money_and_time(expense: Expense, passed: set | None = None) -> None:
    """`passed` (currency, Decimal) keeps the amounts found valid, so a batch checks each amount once: both checks
    depend on the amount's value alone, not on how it is written."""
    if not is_currency_code(expense.currency):
        raise DomainError(f"{expense.currency} is not a supported ISO 4217 currency code.", field="currency")
    for field in ("amount", "tax", "tip", "fees"):
        value = getattr(expense, field)
        if value is None:
            continue
        known = passed is not None and type(value) is Decimal and value.is_finite()
        if known and (expense.currency, value) in passed:
            continue
        if not has_valid_precision(value, expense.currency):
            raise DomainError(precision_error(expense.currency), field=field)
        if abs(value) > MAX_AMOUNT:
            raise DomainError(f"An amount can be at most {MAX_AMOUNT:,}.", field=field, code="max_value")
        if known:
            passed.add((expense.currency, value))
    if expense.occurred_at is None:
        raise DomainError("Say when the meal happened.", field="occurred_at")
    if expense.occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise DomainError("The meal cannot be in the future.", field="occurred_at")


def in_owner_timezone(moment, owner: User):
    """A time without a UTC offset is the owner's wall-clock time (19:45 in New York is 19:45 there)."""
    if isinstance(moment, datetime.datetime) and timezone.is_naive(moment):
        return timezone.make_aware(moment, owner.tzinfo)
    return moment


def _convert(expense: Expense, rate: Decimal | None, known_rates: dict | None = None) -> None:
    """Fix the reporting amount and the record of its rate (expenses.services.currency.conversion_for). With
    `known_rates`, each stored rate is looked up once per currency and local day. The card's currency defaults to
    the owner's."""
    local_date = expense.occurred_at.astimezone(expense.owner.tzinfo).date()
    if expense.charged_amount is not None and not expense.charged_currency:
        expense.charged_currency = expense.owner.default_currency
    conversion = conversion_for(
        amount=expense.amount,
        currency=expense.currency,
        on_date=local_date,
        rate=rate,
        charged_amount=expense.charged_amount,
        charged_currency=expense.charged_currency,
        known=known_rates,
    )
    expense.reporting_amount, expense.exchange_rate = conversion.reporting_amount, conversion.exchange_rate
    expense.rate_source, expense.rate_date = conversion.source, conversion.rate_date
    expense.charged_currency, expense.card_fee = conversion.charged_currency, conversion.card_fee


def _new_expense(
    owner: User,
    *,
    amount: Decimal,
    occurred_at: datetime.datetime,
    currency: str | None = None,
    tags=(),
    attendees=None,
    colleagues: Colleagues | None = None,
    checked_amounts: set | None = None,
    **fields,
) -> tuple[Expense, list]:
    """An unsaved expense from expense_create's arguments and its unsaved attendee rows, with every check that
    needs no query (but the one reading the owner's colleagues, once per `colleagues`)."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise DomainError(f"Unknown field {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    _check_owned(owner, restaurant=fields.get("restaurant"), category=fields.get("category"), tags=tags)
    expense = _expense_of(
        owner=owner,
        amount=amount,
        occurred_at=in_owner_timezone(occurred_at, owner),
        currency=(currency or owner.default_currency).upper(),
        **fields,
    )
    expense.status = ExpenseStatus.DRAFT if expense.is_business else ExpenseStatus.RECORDED
    _check_money_and_time(expense, checked_amounts)
    rows = attendee_rows(owner=owner, attendees=attendees, colleagues=colleagues) if attendees else []
    expense.party_size = party_size_with(attendee_count=len(rows), given=fields.get("party_size"))
    return expense, rows


def _expense_of(**values) -> Expense:
    """Expense(**values) built as the constructor's positional form builds it (as Model.from_db builds instances):
    every field at its default but those given, the related objects then set as the keyword form sets them. It
    spares the keyword form's look-up of each field not given, a third of the cost of building an expense. With no
    receiver of the model's pre_init and post_init signals, the instance's attributes are set as that constructor
    sets them (its state, then each field's value by its attribute name) without a call each: half the cost again."""
    known = _positional_defaults()
    if known is None:
        return Expense(**values)
    positions, defaults = known
    given = {}
    related = []
    for name, value in values.items():
        position = positions.get(name)
        if position is None:
            return Expense(**values)  # not a field's name: the keyword form says what it is
        field = position[1]
        if field.is_relation:
            related.append((name, value))
        else:
            given[field.attname] = value
    if signals.pre_init.has_listeners(Expense) or signals.post_init.has_listeners(Expense):
        expense = Expense(*(given.get(attname, default) for attname, default in defaults.items()))
    else:
        expense = Expense.__new__(Expense)
        attributes = expense.__dict__
        attributes["_state"] = ModelState()
        attributes.update(defaults)
        attributes.update(given)
    for name, value in related:
        setattr(expense, name, value)
    return expense


@functools.cache
def _positional_defaults() -> tuple[dict, dict] | None:
    """Each concrete field's (position, field) by name, and the defaults a new expense takes by attribute name, in
    field order; None when a default is computed each time (then the keyword form builds every expense)."""
    fields = Expense._meta.concrete_fields
    if any(field.has_default() and callable(field.default) for field in fields):
        return None
    positions = {field.name: (index, field) for index, field in enumerate(fields)}
    return positions, {field.attname: field.get_default() for field in fields}


def _resolve_tags(owner: User, tags, known: dict[str, Tag]) -> list[Tag]:
    """The Tag objects for a mix of tags and names (names created when new), each once, in order.

    `known` (lower-case name -> tag) carries names already resolved, so a batch resolves each name once."""
    tag_objects = [t for t in tags if isinstance(t, Tag)]
    names = [t for t in tags if isinstance(t, str)]
    keys = [normalise_tag_name(name).lower() for name in names]
    new = [name for name, key in zip(names, keys, strict=True) if key and key not in known]
    if new:
        known.update((tag.name.lower(), tag) for tag in tags_resolve(owner=owner, names=new))
    resolved = tag_objects + [known[key] for key in keys if key]
    return list({tag.pk: tag for tag in resolved}.values())


def _set_tags(expense: Expense, tags: list, actor: User) -> None:
    tag_objects = _resolve_tags(expense.owner, tags, {})
    ExpenseTag.objects.filter(expense=expense).exclude(tag__in=tag_objects).delete()
    present = set(ExpenseTag.objects.filter(expense=expense).values_list("tag_id", flat=True))
    ExpenseTag.objects.bulk_create(
        [ExpenseTag(expense=expense, tag=t, added_by=actor) for t in tag_objects if t.pk not in present]
    )


@transaction.atomic
def expense_create(
    *,
    owner: User,
    amount: Decimal,
    occurred_at: datetime.datetime,
    currency: str | None = None,
    tags: list | tuple = (),
    attendees: list | tuple | str | None = None,
    exchange_rate: Decimal | None = None,
    actor: User | None = None,
    **fields,
) -> Expense:
    """Record a meal. Business meals start as drafts; the reporting-currency amount is fixed now.

    `attendees`: colleagues and guests (expenses.services.attendees.attendee_rows); the party size defaults to the
    owner plus them and is never smaller."""
    expense, rows = _new_expense(
        owner, amount=amount, occurred_at=occurred_at, currency=currency, tags=tags, attendees=attendees, **fields
    )
    full_clean_or_raise(expense, exclude=CLEAN_EXCLUDE)
    _convert(expense, exchange_rate)
    expense.save()
    if tags:
        _set_tags(expense, list(tags), actor or owner)
    if rows:
        attendees_replace(expense=expense, rows=rows)
    policy_flags_refresh([expense])
    expense_history_record(expense=expense, before=None, actor=actor or owner)
    publish("expense.created", actor=actor or owner, expense=expense)
    metrics.business_event_on_commit("meal_logged")
    return expense


@transaction.atomic
def expenses_create_many(
    *, owner: User, drafts: list[dict], actor: User | None = None, source: str | None = None
) -> list[Expense]:
    """Record many meals under expense_create's rules, all or nothing; each draft holds expense_create's arguments.

    Refused drafts raise ExpenseDraftsRefused (by index). The queries do not grow with the drafts: stored rates
    are read once per currency and day, each restaurant and category checked once, each new tag name created once.
    The meal-policy verdicts are written for the whole batch at once."""
    refused: dict[int, DomainError] = {}
    expenses: list[Expense] = []
    tag_lists: list[list[Tag]] = []
    attendee_lists: list[list] = []
    colleagues = Colleagues(owner)
    checked_amounts: set = set()
    known_rates: dict = {}
    related_errors: dict = _related_found(drafts)
    known_tags: dict[str, Tag] = {}
    cleaned: dict = {}
    for index, draft in enumerate(drafts):
        arguments = {name: value for name, value in draft.items() if name != "exchange_rate"}
        try:
            expense, rows = _new_expense(owner, colleagues=colleagues, checked_amounts=checked_amounts, **arguments)
            _full_clean_in_bulk(expense, related_errors, cleaned)
            _convert(expense, draft.get("exchange_rate"), known_rates)
            tags = _resolve_tags(owner, list(draft.get("tags") or ()), known_tags)
        except DomainError as exc:
            refused[index] = exc
            continue
        expenses.append(expense)
        tag_lists.append(tags)
        attendee_lists.append(rows)
    if refused:
        raise ExpenseDraftsRefused(refused)
    _insert_checked(expenses)
    links = [
        ExpenseTag(expense=expense, tag=tag, added_by=actor or owner)
        for expense, tags in zip(expenses, tag_lists, strict=True)
        for tag in tags
    ]
    ExpenseTag.objects.bulk_create(links, batch_size=BULK_BATCH_SIZE)
    people = []
    for expense, rows in zip(expenses, attendee_lists, strict=True):
        for row in rows:
            row.expense = expense
            people.append(row)
    Attendee.objects.bulk_create(people, batch_size=BULK_BATCH_SIZE)
    policy_flags_refresh(expenses, created=True)
    expenses_created_record(expenses=expenses, actor=actor or owner, source=source)
    publish_many("expense.created", actor=actor or owner, expenses=expenses)
    metrics.business_event_on_commit("meal_logged", count=len(expenses))
    return expenses


def _related_found(drafts: list[dict]) -> dict:
    """(field name, id) -> [] (no error) for each restaurant and category the drafts name that exists: the query
    ForeignKey.validate makes for one, made for all of them at once. The others are left to field.clean, which
    refuses them with its own message."""
    found = {}
    for name in RELATED_FIELDS:
        field = Expense._meta.get_field(name)
        ids = {obj.pk for draft in drafts if isinstance(obj := draft.get(name), Model) and obj.pk is not None}
        if not ids or field.validators:
            continue
        model, target = field.remote_field.model, field.remote_field.field_name
        existing = (
            model._base_manager.using(router.db_for_read(model))
            .filter(**{f"{target}__in": ids})
            .complex_filter(field.get_limit_choices_to())
            .values_list(target, flat=True)
        )
        found.update(((name, pk), []) for pk in existing)
    return found


def _full_clean_in_bulk(expense: Expense, related_errors: dict, cleaned: dict) -> None:
    """expense_create's full_clean without its per-expense queries or repeated work: the restaurants and categories
    are checked together (`related_errors`, see _related_found), each field value once per batch (`cleaned`, see
    _clean_fields), and the check constraints (which clean() and the field validators cover) are checked by the
    insert, see _insert_checked."""
    errors = {}
    for name in RELATED_FIELDS:
        field = Expense._meta.get_field(name)
        value = getattr(expense, field.attname)
        if value is None:
            continue
        if (name, value) not in related_errors:
            try:
                field.clean(value, expense)
                related_errors[(name, value)] = []
            except ValidationError as exc:
                related_errors[(name, value)] = exc.error_list
        if related_errors[(name, value)]:
            errors[name] = related_errors[(name, value)]
    # Model.full_clean(exclude=..., validate_constraints=False), step by step: fields, clean(), unique checks.
    field_errors = _clean_fields(expense, cleaned)
    try:
        expense.clean()
    except ValidationError as exc:
        field_errors = exc.update_error_dict(field_errors)
    if expense.pk is not None or _has_unique_checks():
        exclude = {*CLEAN_EXCLUDE, *RELATED_FIELDS, *(name for name in field_errors if name != NON_FIELD_ERRORS)}
        try:
            expense.validate_unique(exclude=exclude)
        except ValidationError as exc:
            field_errors = exc.update_error_dict(field_errors)
    errors.update(field_errors)
    if errors:
        raise validation_error_to_domain(ValidationError(errors))


@functools.cache
def _has_unique_checks() -> bool:
    """Whether validate_unique checks anything on a new expense: it only ever has its primary key's, skipped while
    the expense is unsaved."""
    unique_checks, date_checks = Expense()._get_unique_checks(exclude={*CLEAN_EXCLUDE, *RELATED_FIELDS})
    return bool(date_checks) or any(check != ("id",) for _, check in unique_checks)


def _value_key(value) -> tuple | None:
    """A key equal only for values that clean alike and to the same value (Decimal('1.0') and Decimal('1.00') are
    equal, but only one has two places); None for a value to clean every time."""
    kind = type(value)
    if value is None or kind in (str, int, bool, datetime.date):
        return (kind, value)
    if kind is Decimal:
        return (kind, str(value))
    if kind is datetime.datetime:
        return (kind, value, value.tzinfo, value.fold)
    return None


def _clean_fields(expense: Expense, cleaned: dict) -> dict:
    """Model.clean_fields (outside CLEAN_EXCLUDE and RELATED_FIELDS) with each field's outcome for a value kept in
    `cleaned`: a field's clean() is a function of the value alone, but for relations (which read the instance),
    cleaned every time. Returns the errors by field name. The common value types are keyed and tested for
    emptiness inline, as _value_key and `field.empty_values` take them."""
    errors = {}
    values = expense.__dict__
    for field, name, attname, blank, unchanged in _CLEANED:
        raw_value = values[attname] if attname in values else getattr(expense, attname)
        kind = type(raw_value)
        if kind is unchanged and (blank or raw_value):
            continue  # clean() would return it as it is (see _cleaned_unchanged)
        if kind is str or kind is int or kind is bool or kind is datetime.date:
            if blank and kind is str and not raw_value:
                continue
            key = (name, kind, raw_value)
        elif kind is Decimal:
            key = (name, kind, str(raw_value))
        elif raw_value is None:
            if blank:
                continue
            key = (name, kind, None)
        else:
            if blank and raw_value in field.empty_values:
                continue
            if isinstance(raw_value, DatabaseDefault):
                continue
            key = _value_key(raw_value)
            if key is not None:
                key = (name, *key)
        if key is None or field.is_relation:
            outcome = _clean_field(field, raw_value, expense)
        else:
            outcome = cleaned.get(key)
            if outcome is None:
                outcome = cleaned[key] = _clean_field(field, raw_value, expense)
        value, error_list = outcome
        if error_list is None:
            if value is not raw_value:
                setattr(expense, attname, value)
        else:
            errors[name] = list(error_list)  # clean()'s errors on the field are added to this list
    return errors


def _clean_field(field, raw_value, expense: Expense) -> tuple:
    try:
        return field.clean(raw_value, expense), None
    except ValidationError as exc:
        return None, exc.error_list


def _cleaned_unchanged(field) -> type | None:
    """The type of value field.clean() returns as it is, without an error, whatever its value (but a blank one
    where the field is not blank): a TextField's str and a DateTimeField's datetime, when the field has no
    validators and no choices (to_python passes the value through; validate then checks only null and blank). So
    each meal's own notes and moment are not cleaned one by one."""
    if field.validators or field.choices:
        return None
    return {models.TextField: str, models.DateTimeField: datetime.datetime}.get(type(field))


_CLEANED = [
    (field, field.name, field.attname, field.blank, _cleaned_unchanged(field))
    for field in Expense._meta.fields
    if field.name not in {*CLEAN_EXCLUDE, *RELATED_FIELDS} and not field.generated
]


def _insert_checked(expenses: list[Expense]) -> None:
    """bulk_create's rows and ids (insert_all: the values as validated, without bulk_create's compiling per value);
    should a check constraint ever catch what clean() lets through, name the drafts it refuses."""
    try:
        with transaction.atomic():
            insert_all(expenses, returning_ids=True)
    except IntegrityError:
        refused = {}
        for index, expense in enumerate(expenses):
            try:
                expense.validate_constraints(exclude=set(CLEAN_EXCLUDE))
            except ValidationError as exc:
                refused[index] = validation_error_to_domain(exc)
        if refused:
            raise ExpenseDraftsRefused(refused) from None
        raise


def _lock_current(expense: Expense, expected_version: int | None) -> Expense:
    current = Expense.objects.select_for_update().select_related("owner").get(pk=expense.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleWrite("This expense changed since you opened it; reload and try again.", field="version")
    return current


@transaction.atomic
def expense_update(
    *,
    expense: Expense,
    actor: User,
    expected_version: int | None = None,
    tags: list | None = None,
    attendees: list | tuple | str | None = None,
    **fields,
) -> Expense:
    """Change an expense. `expected_version` guards against overwriting someone else's change.

    `attendees` (None leaves them) replaces the meal's colleagues and guests; without a new party size the meal
    keeps its own, raised to fit them."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise DomainError(f"Unknown field {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    current = _lock_current(expense, expected_version)
    if not can_edit_expense(actor, current):
        raise NotAllowed(f"A {current.get_status_display().lower()} expense can no longer be edited.")
    state_before = expense_state(current)
    if "occurred_at" in fields:
        fields["occurred_at"] = in_owner_timezone(fields["occurred_at"], current.owner)
    _check_owned(current.owner, restaurant=fields.get("restaurant"), category=fields.get("category"), tags=tags or ())
    rows, attendees_changed = None, False
    if attendees is not None:
        rows = attendee_rows(owner=current.owner, attendees=attendees)
        before = list(current.attendees.values_list("user_id", "name", "company", "relationship"))
        attendees_changed = before != [(r.user_id, r.name, r.company, r.relationship) for r in rows]
        fields["party_size"] = party_size_with(
            attendee_count=len(rows), given=fields.get("party_size"), current=current.party_size
        )
    elif fields.get("party_size") is not None:
        party_size_with(attendee_count=current.attendees.count(), given=fields["party_size"])
    changed = sorted(name for name, value in fields.items() if getattr(current, name) != value)
    if attendees_changed:
        changed = sorted([*changed, "attendees"])
    rate = fields.pop("exchange_rate", None)
    for name, value in fields.items():
        setattr(current, name, value)
    if "currency" in fields:
        current.currency = (current.currency or "").upper()
    if "is_business" in fields:
        _switch_kind(current)
    _check_money_and_time(current)
    full_clean_or_raise(current, exclude=["owner", "reporting_amount", "exchange_rate"])
    if CONVERSION_FIELDS & set(changed) or rate is not None:
        _convert(current, rate)
    current.version += 1
    current.save()
    if tags is not None:
        _set_tags(current, list(tags), actor)
    if rows is not None:
        attendees_replace(expense=current, rows=rows)
    if BILL_FIELDS & set(changed) or rate is not None or rows is not None:
        split_refresh(expense=current, actor=actor)
    policy_flags_refresh([current])
    # Every change, corrections after a decision included, is in the history with its old and new values.
    if expense_history_record(expense=current, before=state_before, actor=actor):
        publish("expense.updated", actor=actor, expense=current)
    return current


def _switch_kind(expense: Expense) -> None:
    if expense.is_business and expense.status == ExpenseStatus.RECORDED:
        expense.status = ExpenseStatus.DRAFT
    elif not expense.is_business and expense.status != ExpenseStatus.RECORDED:
        if expense.status not in {ExpenseStatus.DRAFT, ExpenseStatus.REJECTED}:
            raise DomainError("A submitted or decided business meal cannot become personal.", field="is_business")
        expense.status = ExpenseStatus.RECORDED


@transaction.atomic
def expense_delete(*, expense: Expense, actor: User, expected_version: int | None = None) -> None:
    """Delete an expense with its receipts; stored files are removed once the deletion is committed."""
    current = _lock_current(expense, expected_version)
    if not can_edit_expense(actor, current):
        raise NotAllowed(f"A {current.get_status_display().lower()} expense cannot be deleted.")
    files = [(receipt.file.storage, receipt.file.name) for receipt in current.receipts.all()]
    current.delete()
    data_changed(user_ids=[current.owner_id])
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
