"""The fields of an expense as the product shows them, declared once.

Every list of an expense's fields derives from `EXPENSE_FIELDS`: the fields the services accept, the export
columns (the Python writer and PostgreSQL's CSV query), the backup and its restore, the admin, the API
serializer and the web form. A field added to the model and declared here is exported, backed up and restored
with no other list to update; a model field left out of the declaration fails a test
(expenses/tests/test_fields.py). The order is the column order of the stable export format (docs/reports.md):
a new field goes at the end, as the format only ever gains columns at the end.
"""

import dataclasses
import enum


class Kind(enum.StrEnum):
    """How a field's value is written out and read back."""

    KEY = "key"  # the database id
    TEXT = "text"  # free text the user types: neutralised in spreadsheets, quoted in CSV
    CHOICE = "choice"  # a code from a fixed list (never starts like a formula)
    CODE = "code"  # an ISO code
    MONEY = "money"  # Decimal in the currency's minor unit
    RATE = "rate"  # Decimal exchange rate
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    MOMENT = "moment"  # an aware datetime, written in UTC
    RELATION = "relation"  # another object (the owner's restaurant, category or tags; the owner)


class Role(enum.StrEnum):
    """Who sets the field, which decides what a restore does with it."""

    ENTERED = "entered"  # the user (form, API, admin, import): the services accept it
    DERIVED = "derived"  # the services compute it from the entered fields: a restore recomputes it
    RECORDED = "recorded"  # the product's record of what happened (status, timestamps): a restore keeps it


@dataclasses.dataclass(frozen=True)
class ExpenseField:
    name: str  # the model attribute, the service argument, the API and backup key
    kind: Kind
    role: Role = Role.ENTERED
    # Export columns (the CSV/JSON header); None means one column named like the field, () none at all.
    columns: tuple[str, ...] | None = None
    # What people read above each column (the XLSX header, the PDF): None means the column's name in words.
    titles: tuple[str, ...] | None = None

    def __post_init__(self):
        if self.columns is None:
            object.__setattr__(self, "columns", (self.name,))
        if self.titles is None:
            object.__setattr__(self, "titles", tuple(column.replace("_", " ").capitalize() for column in self.columns))
        if len(self.titles) != len(self.columns):
            raise ValueError(f"{self.name} needs one title per column {self.columns}.")

    @property
    def editable(self) -> bool:
        return self.role is Role.ENTERED

    @property
    def is_relation(self) -> bool:
        return self.kind is Kind.RELATION


RESTAURANT_COLUMNS = (
    "restaurant_name", "restaurant_location", "restaurant_address", "restaurant_city", "restaurant_state",
    "restaurant_postal_code", "restaurant_country", "restaurant_google_place_id", "restaurant_cuisine",
)  # fmt: skip
RESTAURANT_TITLES = (
    "Restaurant", "Branch", "Address", "City", "State or region", "Postal code", "Country", "Google place ID",
    "Cuisine",
)  # fmt: skip

EXPENSE_FIELDS: tuple[ExpenseField, ...] = (
    ExpenseField("id", Kind.KEY, Role.RECORDED, titles=("ID",)),
    ExpenseField(
        "occurred_at",
        Kind.MOMENT,
        columns=("date", "time", "timezone", "datetime_utc", "time_utc"),
        titles=("Date", "Time", "Time zone", "Date and time (UTC)", "Time (UTC)"),
    ),
    ExpenseField("cleared_on", Kind.DATE, columns=("cleared_date",), titles=("Cleared on",)),
    ExpenseField("amount", Kind.MONEY),
    ExpenseField("currency", Kind.CODE),
    ExpenseField("tax", Kind.MONEY),
    ExpenseField("tip", Kind.MONEY),
    ExpenseField("reporting_amount", Kind.MONEY, Role.DERIVED, columns=("reporting_amount", "reporting_currency")),
    ExpenseField("exchange_rate", Kind.RATE),
    ExpenseField("meal_type", Kind.CHOICE, titles=("Meal",)),
    ExpenseField("order_type", Kind.CHOICE),
    ExpenseField("party_size", Kind.INTEGER),
    ExpenseField("payment_method", Kind.CHOICE),
    ExpenseField("category", Kind.RELATION, columns=("category_name",), titles=("Category",)),
    ExpenseField("tags", Kind.RELATION),
    ExpenseField("restaurant", Kind.RELATION, columns=RESTAURANT_COLUMNS, titles=RESTAURANT_TITLES),
    ExpenseField("notes", Kind.TEXT),
    ExpenseField("is_business", Kind.BOOLEAN, titles=("Business meal",)),
    ExpenseField("business_purpose", Kind.TEXT),
    # Colleagues and guests (expenses.Attendee rows), written as one column in the attendees text format.
    ExpenseField("attendees", Kind.RELATION),
    ExpenseField("status", Kind.CHOICE, Role.RECORDED),
    ExpenseField("owner", Kind.RELATION, Role.RECORDED, columns=("owner_email",), titles=("Owner",)),
    ExpenseField("version", Kind.INTEGER, Role.RECORDED, columns=()),  # optimistic locking, not a fact of the meal
    ExpenseField("created_at", Kind.MOMENT, Role.RECORDED, titles=("Created",)),
    ExpenseField("updated_at", Kind.MOMENT, Role.RECORDED, titles=("Updated",)),
    # Dual-amount foreign entry: what the card charged; the rate's source and date and the card's fee are the record
    # of that conversion (kept by a restore, which converts again at the recorded rate).
    ExpenseField("charged_amount", Kind.MONEY, titles=("Card charged",)),
    ExpenseField("charged_currency", Kind.CODE, titles=("Card currency",)),
    ExpenseField("card_fee", Kind.MONEY, Role.RECORDED, titles=("Card fee",)),
    ExpenseField("rate_source", Kind.CHOICE, Role.RECORDED, titles=("Rate source",)),
    ExpenseField("rate_date", Kind.DATE, Role.RECORDED, titles=("Rate date",)),
    ExpenseField("fees", Kind.MONEY, titles=("Fees (service, delivery)",)),
)
FIELDS_BY_NAME = {field.name: field for field in EXPENSE_FIELDS}

# The expense's own rows, declared like fields: written and read with the expense, kept in its column order.
ROW_RELATIONS = frozenset({"attendees"})
# The expense's place in finance's own objects (an expense report, a reimbursement batch): set by the report and
# batch services, never entered or exported as a fact of the meal.
MEMBERSHIP_RELATIONS = frozenset({"report", "batch"})
# What the services accept as fields (tags and attendees travel as their own arguments); what people type.
EDITABLE_FIELD_NAMES = frozenset(
    f.name for f in EXPENSE_FIELDS if f.editable and f.name != "tags" and f.name not in ROW_RELATIONS
)
TEXT_FIELD_NAMES = tuple(f.name for f in EXPENSE_FIELDS if f.kind is Kind.TEXT)
# Every column of the expense export, in order, and the title people read above each.
EXPORT_COLUMNS = tuple(column for field in EXPENSE_FIELDS for column in field.columns)
EXPORT_TITLES = {
    column: title for field in EXPENSE_FIELDS for column, title in zip(field.columns, field.titles, strict=True)
}
