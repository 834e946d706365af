"""Turn receipt text into fields: totals, date and time, merchant name, address and phone.

Heuristics for till receipts as OCR reads them (stray characters, 0 for O, S for $). Each finding carries a
confidence: the OCR engine's own confidence in the line times how sure the rule is about what it matched.
"""

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal

from expenses.ocr.fields import Extracted, ReceiptFields, ReceiptItem

CENT = Decimal("0.01")
PLAIN_TEXT_CONFIDENCE = 0.9  # text without per-line confidences (e.g. from Textract's LINE blocks)

# An amount at the end of a line: "$1,234.56", "12.50", "S12.50" (a misread $), "12,50" (decimal comma).
AMOUNT_RE = re.compile(r"(?<![\d.,])-?\s*[$S€£]?\s*(\d{1,3}(?:[,. ]\d{3})+|\d+)\s?[.,]\s?(\d{2})(?!\d)")
SUBTOTAL_RE = re.compile(r"\bsu[bp][\s\-]*t[o0]ta[l1i]|\bnet\s+t[o0]ta[l1i]|\bfood\s*(?:&|and)?\s*bev", re.I)
TIP_RE = re.compile(r"\b(tip|gratuity|grat|service\s+charge)\b", re.I)
SUGGESTED_TIP_RE = re.compile(r"suggest|\d\s?%", re.I)
TAX_RE = re.compile(r"\b(tax|vat|gst|hst|pst)\b", re.I)
TOTAL_RE = re.compile(
    r"\b(grand\s+)?t[o0]ta[l1i]\b|\bamount\s+(due|paid)\b|\bbalance(\s+due)?\b|\btotal\s+due\b|\bto\s+pay\b", re.I
)
CHANGE_RE = re.compile(r"\b(change|cash\s+tendered|tendered|savings|discount)\b", re.I)

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
            ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
            ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
DATE_PATTERNS = [
    # 2026-03-07, 2026/03/07
    (re.compile(r"\b(20\d{2})[/\-.](\d{1,2})[/\-.](\d{1,2})\b"), "ymd"),
    # 03/07/2026, 3-7-26, 07.03.2026 (month first unless the first number cannot be a month)
    (re.compile(r"\b(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4}|\d{2})\b"), "mdy"),
    # 7 Mar 2026, 07-Mar-26
    (re.compile(r"\b(\d{1,2})[\s\-]([A-Za-z]{3,9})\.?[\s\-,]+(\d{4}|\d{2})\b"), "d_mon_y"),
    # Mar 7, 2026 / March 07 2026
    (re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b"), "mon_d_y"),
]
TIME_RE = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?\s*([AaPp])?\.?\s*[Mm]?\b")
PHONE_RE = re.compile(r"(?<!\d)(?:\+?1[\s.\-]?)?\(?(\d{3})\)?[\s.\-]?(\d{3})[\s.\-](\d{4})(?!\d)")
INTL_PHONE_RE = re.compile(r"\+\d{1,3}[\s\d().\-]{7,16}\d")
STREET_RE = re.compile(
    r"^\s*\d{1,6}[A-Za-z]?\s+.*\b(st|street|ave|avenue|rd|road|blvd|boulevard|dr|drive|ln|lane|way|pl|place|"
    r"plaza|sq|square|hwy|highway|pkwy|parkway|ct|court|ter|terrace|cir|circle|broadway|row|market)\b\.?",
    re.I,
)
STREET_LOOSE_RE = re.compile(r"^\s*\d{1,6}[A-Za-z]?\s+[A-Za-z][A-Za-z .'\-]{3,}$")
CITY_LINE_RE = re.compile(r"^[A-Za-z][A-Za-z .'\-]+,?\s+[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?\s*$")
NOT_A_NAME_RE = re.compile(
    r"\b(receipt|welcome|thank|order|server|table|check|guest|cashier|invoice|tel|phone|date|time|visit|"
    r"copy|customer|merchant|store\s*#|www\.|http)\b",
    re.I,
)


def _round(value: float) -> float:
    return round(max(0.0, min(1.0, value)), 3)


def amount_in(text: str) -> Decimal | None:
    """The last amount on a line, as Decimal: "TOTAL $1,234.56" -> 1234.56."""
    matches = list(AMOUNT_RE.finditer(text))
    if not matches:
        return None
    whole, cents = matches[-1].group(1), matches[-1].group(2)
    return Decimal(f"{re.sub(r'[,. ]', '', whole)}.{cents}")


def parse_money_text(text: str) -> Decimal | None:
    """An amount from a field value ("$12.50", "12,50", "1,234"); None when there is none."""
    found = amount_in(text)
    if found is not None:
        return found
    digits = re.fullmatch(r"\s*[$€£]?\s*(\d{1,3}(?:,\d{3})+|\d+)\s*", text or "")
    return Decimal(digits.group(1).replace(",", "") + ".00") if digits else None  # a whole amount, written with cents


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _plausible(day: datetime.date, today: datetime.date) -> bool:
    return datetime.date(2000, 1, 1) <= day <= today + datetime.timedelta(days=1)


def parse_date_text(text: str, *, today: datetime.date | None = None) -> datetime.date | None:
    """The first plausible date in the text, in any of the usual receipt formats."""
    today = today or datetime.date.today()  # noqa: DTZ011 - only a plausibility bound
    for pattern, order in DATE_PATTERNS:
        for match in pattern.finditer(text):
            a, b, c = match.groups()
            try:
                if order == "ymd":
                    candidates = [(int(a), int(b), int(c))]
                elif order == "mdy":
                    month_first = (_year(c), int(a), int(b))
                    day_first = (_year(c), int(b), int(a))
                    candidates = [month_first, day_first] if int(a) <= 12 else [day_first]
                elif order == "d_mon_y":
                    if b.lower() not in MONTHS:
                        continue
                    candidates = [(_year(c), MONTHS[b.lower()], int(a))]
                else:
                    if a.lower() not in MONTHS:
                        continue
                    candidates = [(int(c), MONTHS[a.lower()], int(b))]
            except ValueError:
                continue
            for year, month, day in candidates:
                try:
                    found = datetime.date(year, month, day)
                except ValueError:
                    continue
                if _plausible(found, today):
                    return found
    return None


def parse_time_text(text: str) -> datetime.time | None:
    for match in TIME_RE.finditer(text):
        hour, minute, second, meridiem = match.groups()
        hour = int(hour)
        if meridiem:
            if hour > 12 or hour == 0:
                continue
            hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
        return datetime.time(hour, int(minute), int(second or 0))
    return None


def _phone_in(text: str) -> str | None:
    match = PHONE_RE.search(text)
    if match:
        return f"({match.group(1)}) {match.group(2)}-{match.group(3)}"
    match = INTL_PHONE_RE.search(text)
    return " ".join(match.group(0).split()) if match else None


def _classify(text: str) -> str | None:
    if SUBTOTAL_RE.search(text):
        return "subtotal"
    if TIP_RE.search(text):
        return None if SUGGESTED_TIP_RE.search(text) else "tip"
    if CHANGE_RE.search(text):
        return None
    is_total = TOTAL_RE.search(text)
    if TAX_RE.search(text) and not (is_total and is_total.start() < TAX_RE.search(text).start()):
        return "tax"
    return "total" if is_total else None


def _money_fields(lines: Sequence[tuple[str, float]]) -> dict[str, Extracted]:
    found: dict[str, list[tuple[Decimal, float]]] = {"subtotal": [], "tax": [], "tip": [], "total": []}
    for text, confidence in lines:
        kind = _classify(text)
        amount = amount_in(text) if kind else None
        if kind and amount is not None:
            found[kind].append((amount, confidence))
    picked: dict[str, Extracted] = {}
    if not found["subtotal"]:
        found["subtotal"] = _items_sum(lines)
    for kind in ("subtotal", "tax", "tip"):
        if found[kind]:
            amount, confidence = found[kind][0]
            picked[kind] = Extracted(amount, _round(0.8 * confidence))
    if found["total"]:
        amount, confidence = max(found["total"], key=lambda item: item[0])  # the grand total is the largest
        picked["total"] = Extracted(amount, _round(0.8 * confidence))
    _check_sums(picked)
    if "total" not in picked:
        every = [(amount_in(text), confidence) for text, confidence in lines]
        every = [(amount, confidence) for amount, confidence in every if amount is not None]
        if every:
            amount, confidence = max(every, key=lambda item: item[0])
            picked["total"] = Extracted(amount, _round(0.3 * confidence))
    return picked


def _items_sum(lines: Sequence[tuple[str, float]]) -> list[tuple[Decimal, float]]:
    """When the subtotal is unreadable: the priced item lines above the first subtotal, tax or total line."""
    prices = []
    for text, confidence in lines:
        if _classify(text) or SUBTOTAL_RE.search(text) or TAX_RE.search(text) or TOTAL_RE.search(text):
            break
        amount = amount_in(text)
        if amount is not None and re.match(r"^\s*\d{1,2}\s*[xX]?\s+[A-Za-z]", text):  # "2 Burger 25.00"
            prices.append((amount, confidence))
    if not prices:
        return []
    return [(sum((amount for amount, _ in prices), Decimal(0)), 0.6 * min(conf for _, conf in prices))]


ITEM_QUANTITY_RE = re.compile(r"^(\d{1,2})\s*[xX@]?\s+(?=\D)")
ITEM_SKIP_RE = re.compile(r"\b(server|table|check|guest|order|date|time|tel|phone|visa|mastercard|amex|card)\b", re.I)


def item_lines(lines: Sequence[tuple[str, float]]) -> list[ReceiptItem]:
    """The bill's priced lines between the header and the first subtotal, tax, tip or total line:
    "2 Burger 25.00" -> 2 x Burger, 25.00 for the line. Lines that look like anything else are left out."""
    items = []
    priced_yet = False
    for text, confidence in lines:
        if _classify(text) or SUBTOTAL_RE.search(text) or TAX_RE.search(text) or TOTAL_RE.search(text):
            if priced_yet:
                break
            continue
        matches = list(AMOUNT_RE.finditer(text))
        if not matches or PHONE_RE.search(text) or ITEM_SKIP_RE.search(text) or parse_date_text(text):
            continue
        description = text[: matches[-1].start()].strip(" .:-$")
        quantity = Decimal(1)
        if found := ITEM_QUANTITY_RE.match(description):
            quantity = Decimal(found.group(1))
            description = description[found.end() :].strip()
        if sum(char.isalpha() for char in description) < 2:
            continue
        priced_yet = True
        amount = amount_in(text)
        items.append(ReceiptItem(" ".join(description.split())[:200], quantity, amount, _round(0.7 * confidence)))
    return items


def _derive_missing(picked: dict[str, Extracted]) -> None:
    """A tax or subtotal the OCR garbled is whatever makes the others add up (with a modest confidence)."""
    if "total" not in picked or "subtotal" not in picked:
        return
    tip = picked["tip"].value if "tip" in picked else Decimal(0)
    tax = picked["total"].value - picked["subtotal"].value - tip
    confidence = min(picked["total"].confidence, picked["subtotal"].confidence) * 0.6
    current = picked.get("tax")
    if tax >= 0 and (current is None or current.confidence < confidence):
        picked["tax"] = Extracted(tax, _round(confidence))


def _check_sums(picked: dict[str, Extracted]) -> None:
    """Subtotal + tax + tip adding up to the total makes every one of them more credible (and vice versa)."""
    parts = [picked[name].value for name in ("subtotal", "tax", "tip") if name in picked]
    if "subtotal" not in picked:
        return
    expected = sum(parts, Decimal(0))
    if "total" not in picked:
        picked["total"] = Extracted(expected, _round(0.5 * picked["subtotal"].confidence))
        return
    total = picked["total"].value
    if abs(expected - total) <= CENT or ("tip" not in picked and total > expected and "tax" in picked):
        # Tip added by hand after printing is common: subtotal + tax < total still fits a receipt.
        exact = abs(expected - total) <= CENT
        for name in ("subtotal", "tax", "tip", "total"):
            if name in picked:
                boosted = picked[name].confidence / 0.8 * (0.98 if exact else 0.85)
                picked[name] = Extracted(picked[name].value, _round(boosted))
    else:
        # Something does not add up: trust the total a little less and suspect the tax line most.
        picked["total"] = Extracted(total, _round(picked["total"].confidence * 0.75))
        if "tax" in picked:
            picked["tax"] = Extracted(picked["tax"].value, _round(picked["tax"].confidence * 0.5))
        _derive_missing(picked)


def _header(lines: Sequence[tuple[str, float]]) -> list[tuple[int, str, float]]:
    """Lines before the first priced line: where merchant, address and phone are printed."""
    header = []
    for index, (text, confidence) in enumerate(lines):
        if amount_in(text) is not None and not PHONE_RE.search(text):
            break
        header.append((index, text, confidence))
    return header or [(index, text, confidence) for index, (text, confidence) in enumerate(lines[:6])]


def _address(header: list[tuple[int, str, float]]) -> tuple[Extracted | None, set[int]]:
    for position, (index, text, confidence) in enumerate(header):
        strict = STREET_RE.search(text)
        if not (strict or STREET_LOOSE_RE.match(text)) or PHONE_RE.search(text):
            continue
        parts, used, certainty = [text.strip(" ,")], {index}, 0.8 if strict else 0.55
        for next_index, next_text, next_confidence in header[position + 1 : position + 3]:
            if CITY_LINE_RE.match(next_text.strip()):
                parts.append(next_text.strip(" ,"))
                used.add(next_index)
                certainty = min(0.95, certainty + 0.1)
                confidence = min(confidence, next_confidence)
                break
        return Extracted(", ".join(parts), _round(certainty * confidence)), used
    return None, set()


def _merchant_name(header: list[tuple[int, str, float]], skip: set[int]) -> Extracted | None:
    for position, (index, text, confidence) in enumerate(header):
        cleaned = re.sub(r"[^\w&'.,\- ]", "", text).strip(" .,-")
        letters = sum(char.isalpha() for char in cleaned)
        if index in skip or letters < 3 or letters < len(cleaned.replace(" ", "")) * 0.6:
            continue
        if NOT_A_NAME_RE.search(cleaned) or _phone_in(text) or parse_date_text(text) or STREET_RE.search(text):
            continue
        certainty = 0.75 if position == 0 else 0.6
        return Extracted(" ".join(cleaned.split()), _round(certainty * confidence))
    return None


def parse_receipt_lines(lines: Sequence[tuple[str, float]], *, today: datetime.date | None = None) -> ReceiptFields:
    """Fields from OCR lines, each line given with the engine's confidence in it (0..1)."""
    lines = [(" ".join(text.split()), confidence) for text, confidence in lines if text and text.strip()]
    fields = ReceiptFields(raw_text="\n".join(text for text, _ in lines))
    for name, extracted in _money_fields(lines).items():
        setattr(fields, name, extracted)
    for text, confidence in lines:
        if fields.date is None and (day := parse_date_text(text, today=today)):
            labelled = re.search(r"\bdate\b", text, re.I)
            fields.date = Extracted(day, _round((0.9 if labelled else 0.8) * confidence))
        if fields.time is None and (moment := parse_time_text(text)):
            fields.time = Extracted(moment, _round(0.8 * confidence))
    header = _header(lines)
    fields.address, address_lines = _address(header)
    for _, text, confidence in header + [(0, text, confidence) for text, confidence in lines]:
        if phone := _phone_in(text):
            labelled = re.search(r"\b(tel|phone|ph)\b", text, re.I)
            fields.phone = Extracted(phone, _round((0.9 if labelled else 0.8) * confidence))
            break
    fields.merchant_name = _merchant_name(header, address_lines)
    fields.items = item_lines(lines[len(header) :])
    return fields


def parse_receipt_text(text: str, *, today: datetime.date | None = None) -> ReceiptFields:
    """Fields from plain receipt text (no per-line confidences)."""
    return parse_receipt_lines([(line, PLAIN_TEXT_CONFIDENCE) for line in text.splitlines()], today=today)
