"""Loading the per-diem rate table from the GSA file: all or nothing, and the same file twice changes nothing."""

import dataclasses

from django.db import transaction
from django.utils import timezone

from expenses.models import PerDiemRate
from expenses.per_diem_file import RateRow

STORED_FIELDS = (
    "state", "destination", "county", "fiscal_year", "valid_to", "lodging", "meals_and_incidentals", "breakfast",
    "lunch", "dinner", "incidentals",
)  # fmt: skip


@dataclasses.dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


@transaction.atomic
def per_diem_rates_load(*, rows: list[RateRow], source: str = "") -> LoadResult:
    """Store the rate periods read from a file. A rate area and fiscal year in the file replace what was stored for
    them (a season the new file no longer has is removed); other areas and years are left alone."""
    result = LoadResult()
    scopes = {(row.location_key, row.fiscal_year) for row in rows}
    existing = {
        (rate.location_key, rate.valid_from): rate
        for rate in PerDiemRate.objects.select_for_update().filter(
            location_key__in={key for key, _ in scopes}, fiscal_year__in={year for _, year in scopes}
        )
    }
    kept, new, changed = set(), [], []
    for row in rows:
        values = {name: getattr(row, name) for name in STORED_FIELDS}
        rate = existing.get((row.location_key, row.valid_from))
        kept.add((row.location_key, row.valid_from))
        if rate is None:
            new.append(PerDiemRate(location_key=row.location_key, valid_from=row.valid_from, source=source, **values))
        elif any(getattr(rate, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(rate, name, value)
            rate.source, rate.loaded_at = source, timezone.now()
            changed.append(rate)
        else:
            result.unchanged += 1
    # In batches: the full GSA file is some 650 periods a year.
    PerDiemRate.objects.bulk_create(new, batch_size=500)
    PerDiemRate.objects.bulk_update(changed, [*STORED_FIELDS, "source", "loaded_at"], batch_size=500)
    result.created, result.updated = len(new), len(changed)
    stale = [
        rate.pk for key, rate in existing.items() if key not in kept and (rate.location_key, rate.fiscal_year) in scopes
    ]
    if stale:
        result.removed = PerDiemRate.objects.filter(pk__in=stale).delete()[0]
    return result
