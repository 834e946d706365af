"""The attendees column's one text format, written by every export and read back by the importer.

Entries are separated by "; "; a colleague is "Name <email>", a guest "Name", "Name | Company" or
"Name | Company | Relationship". Text without "|" or "<" (the original app's free text) is a list of guest names
separated by commas, semicolons or new lines."""

import re
from collections.abc import Iterable

ENTRY_SEPARATOR = "; "
PART_SEPARATOR = " | "
_EMAIL = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>\s]+@[^<>\s]+)>\s*$")


def attendees_parse_text(text: str) -> list[dict]:
    """The attendees column's text as attendee items ({"name", "email", "company", "relationship"})."""
    text = text or ""
    if "|" not in text and "<" not in text:
        return [{"name": part.strip()} for part in re.split(r"[,;\n\r]+", text) if part.strip()]
    items = []
    for entry in re.split(r"[;\n\r]+", text):
        parts = [part.strip() for part in entry.split("|")]
        if not parts[0]:
            continue
        item = {"name": parts[0], "company": parts[1] if len(parts) > 1 else "",
                "relationship": " ".join(parts[2:])}  # fmt: skip
        match = _EMAIL.match(parts[0])
        if match:
            item.update(name=match["name"] or match["email"], email=match["email"].lower())
        items.append(item)
    return items


def attendee_text(*, name: str, email: str | None = None, company: str = "", relationship: str = "") -> str:
    """One attendee in the text format (the PostgreSQL export writes the same, see exports_postgresql)."""
    text = f"{name} <{email}>" if email else name
    if company or relationship:
        text += PART_SEPARATOR + company
    if relationship:
        text += PART_SEPARATOR + relationship
    return text


def attendees_format_text(attendees: Iterable) -> str:
    """A meal's attendees (users selected) as the attendees column's text."""
    return ENTRY_SEPARATOR.join(
        attendee_text(
            name=a.name, email=a.user.email if a.user_id else None, company=a.company, relationship=a.relationship
        )
        for a in attendees
    )
