"""Attendees of a meal: reading what the caller gives (web, API, admin, import, backup) and the party-size rule.

Party size counts the owner, the attendees and anonymous covers (people not named), so it is never smaller than
one plus the attendees."""

from collections.abc import Sequence

from accounts.models import User
from expenses.attendee_selectors import colleagues_of
from expenses.attendee_text import attendees_parse_text
from expenses.models import Attendee, Expense
from mealtracker.errors import DomainError

MAX_PARTY_SIZE = 50
NAME_LENGTH = Attendee._meta.get_field("name").max_length
COMPANY_LENGTH = Attendee._meta.get_field("company").max_length
RELATIONSHIP_LENGTH = Attendee._meta.get_field("relationship").max_length


def _clean(text) -> str:
    # One line, single spaces: the separators of the text format never survive inside a value.
    return " ".join(str(text or "").replace("|", " ").replace(";", " ").split())


class Colleagues:
    """An owner's pickable colleagues, read once and looked up by id or e-mail (a batch reuses one)."""

    def __init__(self, owner: User):
        self.owner = owner
        self._by_id: dict[int, User] | None = None

    def _load(self) -> dict[int, User]:
        if self._by_id is None:
            self._by_id = {user.pk: user for user in colleagues_of(self.owner)}
        return self._by_id

    def by_id(self, user_id) -> User | None:
        if isinstance(user_id, bool):
            return None
        try:
            return self._load().get(int(user_id))
        except (TypeError, ValueError):
            return None

    def by_email(self, email: str) -> User | None:
        email = (email or "").strip().lower()
        return next((user for user in self._load().values() if user.email == email), None)


def _colleague_row(user: User | None, owner: User, reference) -> Attendee:
    if user is None:
        if isinstance(reference, User) and reference.pk == owner.pk:
            raise DomainError("The meal's owner is counted already; name the other people.", field="attendees")
        raise DomainError("Choose colleagues from your team.", field="attendees")
    return Attendee(user=user, name=str(user)[:NAME_LENGTH])


def _guest_row(item: dict) -> Attendee:
    name, company, relationship = (_clean(item.get(key)) for key in ("name", "company", "relationship"))
    if not name:
        raise DomainError("Give each guest a name.", field="attendees")
    for value, length, what in ((name, NAME_LENGTH, "A name"), (company, COMPANY_LENGTH, "A company"),
                                (relationship, RELATIONSHIP_LENGTH, "A relationship")):  # fmt: skip
        if len(value) > length:
            raise DomainError(f"{what} can be at most {length} characters.", field="attendees")
    return Attendee(name=name, company=company, relationship=relationship)


def attendee_rows(*, owner: User, attendees: Sequence | str, colleagues: Colleagues | None = None) -> list[Attendee]:
    """Unsaved attendee rows, in order, from what a caller gives: the text format, or a list of users, user ids
    and items ({"user": id or User} for a colleague, {"name", "company", "relationship"} for a guest, an "email"
    making a guest a colleague when it is one).

    A colleague must be one of `colleagues_of(owner)`; each colleague and each guest (name and company, ignoring
    case) counts once."""
    colleagues = colleagues or Colleagues(owner)
    items = attendees_parse_text(attendees) if isinstance(attendees, str) else list(attendees or ())
    rows, seen = [], set()
    for item in items:
        if isinstance(item, User):
            row = _colleague_row(colleagues.by_id(item.pk), owner, item)
        elif isinstance(item, int) and not isinstance(item, bool):
            row = _colleague_row(colleagues.by_id(item), owner, item)
        elif isinstance(item, str):
            row = _guest_row({"name": item})
        elif isinstance(item, dict):
            user = item.get("user")
            if user not in (None, ""):
                row = _colleague_row(colleagues.by_id(user.pk if isinstance(user, User) else user), owner, user)
            elif item.get("email") and colleagues.by_email(item["email"]) is not None:
                row = _colleague_row(colleagues.by_email(item["email"]), owner, None)
            else:
                row = _guest_row(item)
        else:
            raise DomainError("List colleagues and guests.", field="attendees")
        key = ("user", row.user.pk) if row.user is not None else ("guest", row.name.casefold(), row.company.casefold())
        if key in seen:
            if row.user is not None:
                raise DomainError(f"{row.name} is on the meal already.", field="attendees")
            continue
        seen.add(key)
        row.position = len(rows)
        rows.append(row)
    if 1 + len(rows) > MAX_PARTY_SIZE:
        raise DomainError(f"A meal has at most {MAX_PARTY_SIZE} people, its owner included.", field="attendees")
    return rows


def party_size_check(party_size, attendee_count: int) -> None:
    """Party size counts the owner and every attendee, so it is at least one more than the attendees."""
    if isinstance(party_size, int) and party_size < 1 + attendee_count:
        people = "attendee" if attendee_count == 1 else "attendees"
        raise DomainError(
            f"The party is at least {1 + attendee_count}: you and {attendee_count} {people}.", field="party_size"
        )


def party_size_with(*, attendee_count: int, given: int | None, current: int = 1) -> int:
    """The party size once the attendees change: the one given (checked), else the meal's own, raised to the owner
    and the attendees when they no longer fit (naming someone first fills the anonymous covers)."""
    if given is not None:
        party_size_check(given, attendee_count)
        return given
    return max(current, 1 + attendee_count)


def attendees_replace(*, expense: Expense, rows: list[Attendee]) -> list[Attendee]:
    """Make `rows` the meal's attendees (a delete and one insert)."""
    Attendee.objects.filter(expense=expense).delete()
    for row in rows:
        row.expense = expense
    return Attendee.objects.bulk_create(rows)


def anonymous_covers(expense: Expense, attendee_count: int) -> int:
    """People at the meal who are neither its owner nor named attendees."""
    return max(0, expense.party_size - 1 - attendee_count)
