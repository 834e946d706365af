"""Guided restaurant import: a file becomes a batch of rows to review (new, duplicate, possible match, errors by
line); apply creates the chosen rows' restaurants all or nothing, through the restaurant identity service, so
running it again (or importing the same file twice) adds nothing twice.

Batches and rows are the expense import's tables (reports.models.ImportBatch/ImportRow); a restaurant batch is
told apart by its file format ("restaurants-csv" and so on, RESTAURANT_BATCH_PREFIX).
"""

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User
from expenses.models import Merchant
from expenses.restaurant_selectors import restaurant_identity, restaurants_matching, squash
from expenses.services.restaurants import RestaurantDraftsRefused, restaurant_drafts_refused, restaurants_resolve
from mealtracker.errors import Conflict, DomainError, NotFound
from reports.models import ImportAction, ImportBatch, ImportRow, ImportStatus
from reports.services.restaurant_transfer import read_restaurant_rows, restaurant_row_values

RESTAURANT_BATCH_PREFIX = "r-"  # ImportBatch.file_format holds at most 10 characters: "r-csv", "r-json", "r-xlsx"
ADDRESS_KEY = ("name", "address_line_1", "city", "postal_code", "country")


class RestaurantImportFailed(DomainError):
    """Apply wrote nothing: `errors` maps 'line N' to what went wrong on that line."""

    code = "import_failed"

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(f"{len(errors)} row(s) could not be imported; nothing was written.")
        self.errors = errors


def restaurant_import_batches_of(user: User) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(owner=user, file_format__startswith=RESTAURANT_BATCH_PREFIX)


def restaurant_import_batch_get(*, user: User, pk) -> ImportBatch:
    try:
        return restaurant_import_batches_of(user).get(pk=pk)
    except (ImportBatch.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Import not found.") from exc


def _draft(values: dict) -> dict:
    """restaurant_create's fields from a row's values (the merchant is looked up at apply)."""
    return {name: value for name, value in values.items() if name not in {"merchant_name", "warnings"}}


def _address_key(described) -> tuple:
    get = described.get if isinstance(described, dict) else lambda field: getattr(described, field)
    return tuple(squash(get(field)).lower() for field in ADDRESS_KEY)


def _merchants_named(names: list[str]) -> dict[str, Merchant]:
    """Catalogue merchants by lower-cased name, for the names given (case ignored, as the catalogue's rule)."""
    wanted = {name.lower() for name in names} - {""}
    if not wanted:
        return {}
    found = Merchant.objects.annotate(name_key=Lower("name")).filter(name_key__in=wanted)
    return {merchant.name.lower(): merchant for merchant in found}


def _review(owner: User, rows: list[ImportRow]) -> None:
    """Duplicates (the same place id, else the same name and address as a saved restaurant or an earlier line)
    start skipped; a saved restaurant that is probably the same place is named as a possible match."""
    candidates = [row for row in rows if not row.errors]
    matches = restaurants_matching(owner, [_draft(row.values) for row in candidates])
    first_line: dict = {}
    merchants = _merchants_named([row.values.get("merchant_name", "") for row in candidates])
    for row, match in zip(candidates, matches, strict=True):
        warnings = row.values.setdefault("warnings", {})
        brand = row.values.get("merchant_name", "")
        if brand and brand.lower() not in merchants:
            warnings["merchant"] = f"{brand!r} is not in the merchant catalogue; the restaurant is not linked to it"
        row.restaurant, row.duplicate_ids = match, []
        identity, address = restaurant_identity(row.values), _address_key(row.values)
        if match is not None and (restaurant_identity(match) == identity or _address_key(match) == address):
            row.duplicate_ids = [match.pk]
            warnings["duplicate"] = f"you already have {match.display_name}"
        elif match is not None:
            warnings["match"] = f"possibly your {match.display_name}"
        earlier = first_line.get(identity) or first_line.get(address)
        if earlier is not None and not row.duplicate_ids:
            row.duplicate_ids = [0]  # 0: the earlier line of this file, named in the warning
            warnings["duplicate"] = f"the same restaurant as line {earlier}"
        first_line.setdefault(identity, row.line_number)
        first_line.setdefault(address, row.line_number)
        if not warnings:
            del row.values["warnings"]


@transaction.atomic
def restaurant_import_batch_create(*, owner: User, filename: str, payload: bytes) -> ImportBatch:
    """Read a restaurant file (ours or the original app's, CSV, XLSX or JSON) and store its rows for review."""
    file_format, raw_rows = read_restaurant_rows(filename, payload)
    batch = ImportBatch.objects.create(
        owner=owner,
        source_name=(filename or "")[:255],
        file_format=f"{RESTAURANT_BATCH_PREFIX}{file_format}",
        row_count=len(raw_rows),
    )
    rows = []
    for line_number, raw in raw_rows:
        values, errors, warnings = restaurant_row_values(raw)
        if warnings:
            values["warnings"] = warnings
        rows.append(
            ImportRow(
                batch=batch,
                line_number=line_number,
                raw={
                    str(k): v if v is None or isinstance(v, str | int | float | bool) else str(v)
                    for k, v in raw.items()
                },
                values=values,
                errors=[f"{field}: {message}" for field, message in errors.items()],
            )
        )
    checked = [row for row in rows if not row.errors]
    for index, error in restaurant_drafts_refused(owner=owner, drafts=[_draft(r.values) for r in checked]).items():
        checked[index].errors = [_message(error)]
    _review(owner, rows)
    for row in rows:
        if row.errors or row.duplicate_ids:
            row.action = ImportAction.SKIP
    ImportRow.objects.bulk_create(rows, batch_size=1000)
    return batch


def _json_safe(cell):
    return cell if cell is None or isinstance(cell, str | int | float | bool) else str(cell)


def _message(exc: DomainError) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items())
    return f"{exc.field}: {exc.message}" if exc.field else exc.message


@transaction.atomic
def restaurant_import_row_choose(*, row: ImportRow, action: str) -> ImportRow:
    """Apply or skip one row of a batch in review; a row with errors cannot be applied."""
    if row.batch.status != ImportStatus.REVIEW:
        raise Conflict("This import is no longer in review.")
    if action not in ImportAction.values:
        raise DomainError("Choose apply or skip.", field="action")
    if action == ImportAction.APPLY and row.errors:
        raise DomainError("Fix this row's errors before applying it: " + "; ".join(row.errors), field="action")
    row.action = action
    row.save(update_fields=["action"])
    return row


def restaurant_import_batch_apply(*, batch: ImportBatch, actor: User) -> dict[str, int]:
    """Create the restaurants of every row marked 'apply', all or nothing; rows whose restaurant exists by now
    are matched, not created again. Merchants are linked by name from the catalogue (or by the usual matching).
    An applied batch has nothing left to do: applying it again adds nothing."""
    if batch.owner_id != actor.pk:
        raise NotFound("Import not found.")
    if batch.status == ImportStatus.DISCARDED:
        raise Conflict("This import was discarded.")
    failed: dict[int, list[str]] = {}
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        rows = []
        if locked.status == ImportStatus.REVIEW:
            rows = list(locked.rows.filter(action=ImportAction.APPLY).order_by("line_number"))
        failed.update({row.line_number: list(row.errors) for row in rows if row.errors})
        merchants = _merchants_named([row.values.get("merchant_name", "") for row in rows])
        drafts = []
        for row in rows:
            draft = _draft(row.values)
            merchant = merchants.get(row.values.get("merchant_name", "").lower())
            if merchant is not None:
                draft["merchant"] = merchant
            drafts.append(draft)
        restaurants, before, created = [], [], 0
        if not failed and drafts:
            before = restaurants_matching(actor, drafts)
            try:
                restaurants = restaurants_resolve(owner=actor, drafts=drafts)
            except RestaurantDraftsRefused as exc:
                failed.update({rows[index].line_number: [_message(error)] for index, error in exc.refused.items()})
        if failed:
            transaction.set_rollback(True)
        else:
            # The rows keep the review's match: writing each row's restaurant back cost more than the import itself.
            known = {restaurant.pk for restaurant in before if restaurant is not None}
            created = len({restaurant.pk for restaurant in restaurants} - known)
            locked.status = ImportStatus.APPLIED
            locked.created_count += created
            locked.applied_at = timezone.now()
            locked.save(update_fields=["status", "created_count", "applied_at"])
    if failed:
        raise RestaurantImportFailed({f"line {line}": failed[line] for line in sorted(failed)})
    batch.refresh_from_db()
    skipped = batch.rows.filter(action=ImportAction.SKIP).count()
    return {"created": created, "matched": len(rows) - created, "skipped": skipped, "failed": 0}


def restaurant_import_batch_discard(*, batch: ImportBatch) -> None:
    if batch.status == ImportStatus.APPLIED:
        raise Conflict("An applied import cannot be discarded.")
    batch.status = ImportStatus.DISCARDED
    batch.save(update_fields=["status"])


def restaurant_import_summary(batch: ImportBatch) -> dict[str, int]:
    """Counts for the review: rows to apply, skipped, with errors, duplicates, possible matches, created."""
    counts = batch.rows.aggregate(
        to_apply=Count("id", filter=Q(action=ImportAction.APPLY)),
        skipped=Count("id", filter=Q(action=ImportAction.SKIP)),
        with_errors=Count("id", filter=~Q(errors=[])),
        with_duplicates=Count("id", filter=~Q(duplicate_ids=[])),
        possible_matches=Count("id", filter=Q(values__warnings__has_key="match")),
    )
    if batch.status != ImportStatus.REVIEW:
        counts["to_apply"] = 0
    return {"rows": batch.row_count, **counts, "created": batch.created_count}
