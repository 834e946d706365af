"""Reading the U.S. GSA per-diem rates file (the "FY20xx Per Diem Rates" master file, saved as CSV).

The columns, matched by name in any order and case: ID, STATE, DESTINATION, COUNTY/LOCATION DEFINED, SEASON BEGIN,
SEASON END, a lodging rate ("Lodging Rate", "FY26 Lodging Rate"), the M&IE rate ("M&IE", "FY26 M&IE") and an
optional Effective Date. Lines above the header (a title) are skipped. Seasons are month-day dates ("October 1")
inside the federal fiscal year (1 October to 30 September); a row without a season covers the whole year. The row
whose destination says "Standard CONUS rate" is the standard rate, stored under the location key CONUS. Optional
Breakfast, Lunch, Dinner and Incidentals columns give a row its own breakdown; otherwise the GSA's standard M&IE
breakdown for the tier is used (docs/trips.md).
"""

import calendar
import csv
import dataclasses
import datetime
import io
import re
from decimal import Decimal

from mealtracker.money import has_valid_precision, parse_amount

CONUS = "CONUS"
MIE_CURRENCY = "USD"
# The GSA's M&IE breakdown (gsa.gov "M&IE breakdown"), in force from FY2025 (1 October 2024) and unchanged for FY2026:
# M&IE tier -> breakfast, lunch, dinner, incidentals. The first and last day of travel are 75 % of the tier.
STANDARD_BREAKDOWN_SINCE_FY = 2025
STANDARD_BREAKDOWN = {
    Decimal(68): (Decimal(16), Decimal(19), Decimal(28), Decimal(5)),
    Decimal(74): (Decimal(18), Decimal(20), Decimal(31), Decimal(5)),
    Decimal(80): (Decimal(20), Decimal(22), Decimal(33), Decimal(5)),
    Decimal(86): (Decimal(22), Decimal(23), Decimal(36), Decimal(5)),
    Decimal(92): (Decimal(23), Decimal(26), Decimal(38), Decimal(5)),
}
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
COLUMNS = {
    # our name: a test on the header's upper-cased text
    "state": lambda h: h == "STATE",
    "destination": lambda h: h == "DESTINATION",
    "county": lambda h: h.startswith("COUNTY"),
    "season_begin": lambda h: h in {"SEASON BEGIN", "SEASON START"},
    "season_end": lambda h: h == "SEASON END",
    "lodging": lambda h: "LODGING" in h,
    "mie": lambda h: "M&IE" in h or h == "MIE",
    "effective": lambda h: h.startswith("EFFECTIVE"),
    "breakfast": lambda h: h == "BREAKFAST",
    "lunch": lambda h: h == "LUNCH",
    "dinner": lambda h: h == "DINNER",
    "incidentals": lambda h: h.startswith("INCIDENTAL"),
}
REQUIRED = ("state", "destination", "mie")


@dataclasses.dataclass(frozen=True)
class RateRow:
    """One rate period read from the file, ready to store."""

    line: int
    location_key: str
    state: str
    destination: str
    county: str
    fiscal_year: int
    valid_from: datetime.date
    valid_to: datetime.date
    lodging: Decimal | None
    meals_and_incidentals: Decimal
    breakfast: Decimal
    lunch: Decimal
    dinner: Decimal
    incidentals: Decimal


class PerDiemFileError(Exception):
    """The file cannot be read at all (no header, a required column missing)."""


def location_key(state: str, destination: str) -> str:
    """'MA/Boston / Cambridge': the state and the GSA destination, spaces collapsed; the standard rate is CONUS."""
    destination = " ".join(destination.split())
    if not state or destination.lower().startswith("standard conus"):
        return CONUS
    return f"{state.strip().upper()}/{destination}"


def standard_breakdown(mie: Decimal, fiscal_year: int) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
    """Breakfast, lunch, dinner and incidentals of an M&IE tier, or None for a tier or year the table lacks."""
    if fiscal_year < STANDARD_BREAKDOWN_SINCE_FY:
        return None
    return STANDARD_BREAKDOWN.get(mie)


def fiscal_year_of(day: datetime.date) -> int:
    """The U.S. federal fiscal year a date falls in (FY2026 runs from 1 October 2025 to 30 September 2026)."""
    return day.year + 1 if day.month >= 10 else day.year


def _season_day(text: str, fiscal_year: int) -> datetime.date:
    text = " ".join(text.replace(",", " ").split())
    match = re.fullmatch(r"([A-Za-z]+)\.? (\d{1,2})", text) or re.fullmatch(r"(\d{1,2})[/-](\d{1,2})", text)
    if not match:
        raise ValueError(f"{text!r} is not a season date such as 'October 1'")
    month_text, day = match.groups()
    month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower())
    if not month or not 1 <= month <= 12:
        raise ValueError(f"{text!r} is not a season date such as 'October 1'")
    year = fiscal_year - 1 if month >= 10 else fiscal_year
    last = calendar.monthrange(year, month)[1]
    if int(day) == 28 and month == 2 and last == 29:
        day = 29  # "February 28" ends a season; in a leap year the 29th belongs to it too
    return datetime.date(year, month, int(day))


def _effective_year(text: str) -> int | None:
    for fmt in ("%B %d %Y", "%b %d %Y", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return fiscal_year_of(datetime.datetime.strptime(" ".join(text.replace(",", " ").split()), fmt).date())  # noqa: DTZ007 - a date
        except ValueError:
            continue
    return None


def _money(text: str, column: str, *, required: bool = True) -> Decimal | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise ValueError(f"{column} is empty")
        return None
    try:
        value = parse_amount(text)
    except ValueError as exc:
        raise ValueError(f"{column} {text!r} is not an amount") from exc
    if value < 0 or (required and value == 0) or not has_valid_precision(value, MIE_CURRENCY):
        raise ValueError(f"{column} {text!r} is not a positive amount in dollars and cents")
    return value


def _header(rows) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows):
        names = [cell.strip().upper() for cell in row]
        if "STATE" in names and "DESTINATION" in names:
            columns = {}
            for ours, matches in COLUMNS.items():
                found = [position for position, name in enumerate(names) if matches(name)]
                if found:
                    columns[ours] = found[0]
            missing = [name for name in REQUIRED if name not in columns]
            if missing:
                raise PerDiemFileError(f"The header on line {index + 1} lacks the column(s) {', '.join(missing)}.")
            return index, columns
    raise PerDiemFileError("No header line with STATE and DESTINATION columns was found.")


def read_rate_rows(text: str, *, fiscal_year: int | None = None) -> tuple[list[RateRow], dict[int, str]]:
    """The rate periods of a GSA per-diem CSV, and the refused lines (line number -> why). `fiscal_year` is used for
    rows without an Effective Date."""
    rows = list(csv.reader(io.StringIO(text)))
    header_index, columns = _header(rows)
    rates: list[RateRow] = []
    refused: dict[int, str] = {}
    for index in range(header_index + 1, len(rows)):
        row, line = rows[index], index + 1
        if not any(cell.strip() for cell in row):
            continue
        cell = lambda name: row[columns[name]].strip() if name in columns and columns[name] < len(row) else ""  # noqa: E731, B023
        try:
            rates.append(_rate_row(line, cell, fiscal_year))
        except ValueError as exc:
            refused[line] = str(exc)
    _refuse_overlaps(rates, refused)
    return [rate for rate in rates if rate.line not in refused], refused


def _rate_row(line: int, cell, fiscal_year: int | None) -> RateRow:
    state, destination = cell("state").upper(), " ".join(cell("destination").split())
    if not destination:
        raise ValueError("DESTINATION is empty")
    if state and not re.fullmatch(r"[A-Z]{2}", state):
        raise ValueError(f"STATE {state!r} is not a two-letter state code")
    year = _effective_year(cell("effective")) if cell("effective") else None
    year = year or fiscal_year
    if year is None:
        raise ValueError("no fiscal year: give the Effective Date column or --fiscal-year")
    begin, end = cell("season_begin"), cell("season_end")
    if bool(begin) != bool(end):
        raise ValueError("give both SEASON BEGIN and SEASON END, or neither")
    if begin:
        valid_from, valid_to = _season_day(begin, year), _season_day(end, year)
        if valid_to < valid_from:
            raise ValueError(f"the season ends ({end}) before it begins ({begin})")
    else:
        valid_from, valid_to = datetime.date(year - 1, 10, 1), datetime.date(year, 9, 30)
    mie = _money(cell("mie"), "M&IE")
    own = [cell(name) for name in ("breakfast", "lunch", "dinner", "incidentals")]
    if all(own):
        breakdown = tuple(_money(value, name.upper(), required=False) for value, name in zip(
            own, ("breakfast", "lunch", "dinner", "incidentals"), strict=True))  # fmt: skip
        if sum(breakdown) != mie:
            raise ValueError(f"breakfast, lunch, dinner and incidentals add up to {sum(breakdown)}, not the M&IE {mie}")
    else:
        breakdown = standard_breakdown(mie, year)
        if breakdown is None:
            raise ValueError(
                f"no standard breakdown for M&IE {mie} in FY{year}; "
                "add Breakfast, Lunch, Dinner and Incidentals columns"
            )
    return RateRow(
        line=line, location_key=location_key(state, destination), state=state, destination=destination,
        county=" ".join(cell("county").split()), fiscal_year=year, valid_from=valid_from, valid_to=valid_to,
        lodging=_money(cell("lodging"), "Lodging", required=False), meals_and_incidentals=mie,
        breakfast=breakdown[0], lunch=breakdown[1], dinner=breakdown[2], incidentals=breakdown[3],
    )  # fmt: skip


def _refuse_overlaps(rates: list[RateRow], refused: dict[int, str]) -> None:
    """Two periods of one rate area that share a day are ambiguous: the later line is refused."""
    by_key: dict[str, list[RateRow]] = {}
    for rate in rates:
        for earlier in by_key.get(rate.location_key, []):
            if rate.valid_from <= earlier.valid_to and earlier.valid_from <= rate.valid_to:
                refused[rate.line] = (
                    f"{rate.location_key} {rate.valid_from} to {rate.valid_to} overlaps line {earlier.line}"
                )
                break
        else:
            by_key.setdefault(rate.location_key, []).append(rate)
