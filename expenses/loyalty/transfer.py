"""Export and import of a user's loyalty data (programmes, memberships, merchant links) as JSON or CSV.

Account numbers are left out of exports unless asked for: an export file is not encrypted at rest.
"""

import csv
import dataclasses
import io
import json
from decimal import Decimal

from django.db import transaction
from django.db.models.functions import Lower

from accounts.models import User
from expenses.models import Merchant, MerchantRewardsLink, RewardsMembership, RewardsProgram
from expenses.services.loyalty import (
    merchant_rewards_link_set,
    rewards_membership_create,
    rewards_membership_update,
    rewards_program_create,
    rewards_program_update,
)
from mealtracker.csv_cells import FORMULA_PREFIXES, neutralise
from mealtracker.errors import DomainError
from mealtracker.money import parse_amount

FORMAT = "mealtracker-loyalty"
VERSION = 1
MAX_ROWS = 2000
PROGRAM_COLUMNS = ["name", "website", "portal_url", "email", "phone", "notes"]
MEMBERSHIP_COLUMNS = [
    "membership_email", "membership_phone", "portal_username", "account_number", "tier", "points_balance",
]  # fmt: skip
CSV_COLUMNS = [*PROGRAM_COLUMNS, *MEMBERSHIP_COLUMNS, "membership_notes", "merchants"]
# Column names of the original app's exports and common spreadsheets, mapped to ours.
ALIASES = {
    "program_name": "name", "program": "name", "program_email": "email", "program_phone": "phone",
    "program_website": "website", "tier_name": "tier", "points": "points_balance", "account": "account_number",
    "merchant_names": "merchants",
}  # fmt: skip
MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclasses.dataclass
class ImportSummary:
    programs_created: int = 0
    programs_updated: int = 0
    memberships_saved: int = 0
    links_saved: int = 0
    warnings: list[str] = dataclasses.field(default_factory=list)


def _programs(owner: User):
    return (
        RewardsProgram.objects.filter(owner=owner)
        .prefetch_related("memberships", "merchant_links__merchant")
        .order_by(Lower("name"))
    )


def _membership_data(membership: RewardsMembership, include_account_numbers: bool) -> dict:
    data = {
        "membership_email": membership.membership_email,
        "membership_phone": membership.membership_phone,
        "portal_username": membership.portal_username,
        "tier": membership.tier,
        "points_balance": str(membership.points_balance),
        "notes": membership.notes,
    }
    if include_account_numbers:
        data["account_number"] = membership.account_number
    return data


def loyalty_export(owner: User, *, include_account_numbers: bool = False) -> dict:
    """The owner's loyalty data as a JSON-ready document (money as decimal strings)."""
    programs = []
    for program in _programs(owner):
        membership = next(iter(program.memberships.all()), None)
        programs.append(
            {
                **{column: getattr(program, column) for column in PROGRAM_COLUMNS},
                "membership": _membership_data(membership, include_account_numbers) if membership else None,
                "merchants": sorted(link.merchant.name for link in program.merchant_links.all()),
            }
        )
    return {"format": FORMAT, "version": VERSION, "programs": programs}


def _cell(value) -> str:
    return neutralise("" if value is None else str(value))


def loyalty_export_csv(owner: User, *, include_account_numbers: bool = False) -> str:
    """One row per programme; membership columns alongside; merchants separated by "; "."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for program in loyalty_export(owner, include_account_numbers=include_account_numbers)["programs"]:
        membership = program["membership"] or {}
        row = {column: program[column] for column in PROGRAM_COLUMNS}
        row.update({column: membership.get(column, "") for column in MEMBERSHIP_COLUMNS})
        row["membership_notes"] = membership.get("notes", "")
        row["merchants"] = "; ".join(program["merchants"])
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return buffer.getvalue()


def _from_csv(text: str) -> list[dict]:
    rows = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    for row in reader:
        clean = {}
        for key, value in row.items():
            key = ALIASES.get((key or "").strip().lower(), (key or "").strip().lower())
            value = (value or "").strip()
            clean[key] = value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES) else value
        membership = {column: clean.get(column, "") for column in MEMBERSHIP_COLUMNS if clean.get(column)}
        if clean.get("membership_notes"):
            membership["notes"] = clean["membership_notes"]
        rows.append(
            {
                **{column: clean.get(column, "") for column in PROGRAM_COLUMNS},
                "membership": membership or None,
                "merchants": [name.strip() for name in clean.get("merchants", "").split(";") if name.strip()],
            }
        )
    return rows


def _membership_fields(data: dict, line: str) -> dict:
    fields = {column: data[column] for column in [*MEMBERSHIP_COLUMNS, "notes"] if data.get(column) not in (None, "")}
    if "points_balance" in fields:
        try:
            fields["points_balance"] = parse_amount(fields["points_balance"]).quantize(Decimal("0.01"))
        except ValueError as exc:
            raise DomainError(f"{line}: the points balance is not a number.", field="points_balance") from exc
    return fields


@transaction.atomic
def loyalty_import(owner: User, *, document: dict | None = None, csv_text: str | None = None) -> ImportSummary:
    """Create or update programmes by name (case-insensitive), their membership and merchant links; all or nothing."""
    if document is not None:
        if not isinstance(document, dict) or not isinstance(document.get("programs"), list):
            raise DomainError("This is not a loyalty export (no list of programs).", field="file")
        rows = document["programs"]
    elif csv_text is not None:
        rows = _from_csv(csv_text)
    else:
        raise DomainError("Give a JSON document or CSV text to import.", field="file")
    if len(rows) > MAX_ROWS:
        raise DomainError(f"Import at most {MAX_ROWS} programmes at a time.", field="file")
    summary = ImportSummary()
    existing = {program.name.lower(): program for program in RewardsProgram.objects.filter(owner=owner)}
    wanted_merchants = {name.lower() for row in rows if isinstance(row, dict) for name in row.get("merchants") or []}
    merchants = {
        merchant.key: merchant
        for merchant in Merchant.objects.annotate(key=Lower("name")).filter(key__in=wanted_merchants)
    }
    for number, row in enumerate(rows, start=1):
        line = f"Programme {number}"
        if not isinstance(row, dict) or not str(row.get("name") or "").strip():
            raise DomainError(f"{line}: a programme needs a name.", field="name")
        fields = {column: str(row.get(column) or "") for column in PROGRAM_COLUMNS}
        program = existing.get(" ".join(fields["name"].split()).lower())
        try:
            if program is None:
                program = rewards_program_create(owner=owner, **fields)
                existing[program.name.lower()] = program
                summary.programs_created += 1
            else:
                rewards_program_update(program=program, **fields)
                summary.programs_updated += 1
            if row.get("membership"):
                membership_fields = _membership_fields(row["membership"], line)
                membership = RewardsMembership.objects.filter(owner=owner, program=program).first()
                if membership is None:
                    rewards_membership_create(owner=owner, program=program, **membership_fields)
                else:
                    rewards_membership_update(membership=membership, **membership_fields)
                summary.memberships_saved += 1
        except DomainError as exc:
            raise DomainError(f"{line} ({fields['name']}): {exc.message}", field=exc.field) from exc
        for name in row.get("merchants") or []:
            merchant = merchants.get(str(name).strip().lower())
            if merchant is None:
                summary.warnings.append(f"{line}: no merchant called {name!r} in the catalogue; not linked.")
                continue
            merchant_rewards_link_set(owner=owner, merchant=merchant, program=program)
            summary.links_saved += 1
    return summary


def loyalty_links_for(owner: User):
    """The owner's merchant links with merchant and programme loaded (for pages and exports)."""
    return MerchantRewardsLink.objects.filter(owner=owner).select_related("merchant", "program")


def loyalty_file_read(upload) -> tuple[dict | None, str | None]:
    """(JSON document, CSV text) from an uploaded export, told apart by its content; refusals name `file`."""
    if upload.size > MAX_FILE_BYTES:
        raise DomainError(f"A loyalty file is at most {MAX_FILE_BYTES // (1024 * 1024)} MB.", field="file")
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError("The file is not UTF-8 text.", field="file") from exc
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text), None
        except json.JSONDecodeError as exc:
            raise DomainError("The file is not valid JSON.", field="file") from exc
    return None, text


EXPORT_CONTENT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def loyalty_export_file(owner: User, *, file_format: str, include_account_numbers: bool = False) -> tuple[str, str]:
    """(the export's text, its content type) as JSON or CSV; any other format is refused on `file_format`."""
    if file_format not in EXPORT_CONTENT_TYPES:
        raise DomainError("Export as json or csv.", field="file_format")
    if file_format == "csv":
        text = loyalty_export_csv(owner, include_account_numbers=include_account_numbers)
    else:
        text = json.dumps(loyalty_export(owner, include_account_numbers=include_account_numbers), indent=2)
    return text, EXPORT_CONTENT_TYPES[file_format]
