"""Forms of the expense pages. They parse and check input; the services in expenses.services write."""

import datetime
from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils import timezone

from accounts.models import User
from expenses.attendee_selectors import colleagues_of
from expenses.choices import ExpenseStatus, MealType, OrderType, PaymentMethod
from expenses.fields import EDITABLE_FIELD_NAMES
from expenses.models import Category, Restaurant
from expenses.page_selectors import RESTAURANT_SORTS, filter_choices_of
from expenses.selectors import categories_owned_by, restaurants_owned_by
from mealtracker.forms import Form, ModelForm
from mealtracker.money import currency_choices

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# The web list's sort menu, each an ordering the API offers too (expenses.filters.ORDERINGS).
SORT_ORDERINGS = {
    "newest": ("-occurred_at",),
    "oldest": ("occurred_at",),
    "amount_desc": ("-reporting_amount",),
    "amount_asc": ("reporting_amount",),
    "restaurant": ("restaurant",),
    "category": ("category",),
}
MONEY_ATTRS = {"inputmode": "decimal", "step": "0.01", "min": "0"}
# The meal form's guest rows: the inputs of each and how many empty rows it offers beyond the guests it has.
GUEST_PARTS = {"name": ("Guest's name", 150), "company": ("Company", 150), "relationship": ("Relationship", 100)}
GUEST_ROWS_EMPTY = 2
GUEST_ROWS_MAX = 49

# Local hour at which each meal usually starts; the form guesses the meal from the time of day.
MEAL_BY_HOUR = [
    (5, MealType.BREAKFAST), (10, MealType.BRUNCH), (11, MealType.LUNCH), (15, MealType.SNACKS),
    (17, MealType.DINNER), (22, MealType.LATE_NIGHT),
]  # fmt: skip


def meal_type_for(local_time: datetime.datetime) -> str:
    """Breakfast at 8, lunch at 12:30, dinner at 19:00, late night after 22:00 or before 5:00."""
    meal = MealType.LATE_NIGHT
    for hour, candidate in MEAL_BY_HOUR:
        if local_time.hour >= hour:
            meal = candidate
    return meal


class RestaurantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.city})" if obj.city else obj.display_name


class ExpenseForm(Form):
    # No `decimal_places` on amounts: how many an amount may have depends on its currency, and the service says so
    # in the currency's words ("JPY takes no decimals.").
    amount = forms.DecimalField(
        label="Total paid", max_digits=12, min_value=0.01, widget=forms.NumberInput(MONEY_ATTRS)
    )
    currency = forms.ChoiceField(choices=currency_choices)
    occurred_at = forms.DateTimeField(
        label="Date and time",
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    cleared_on = forms.DateField(
        label="Cleared on",
        required=False,
        help_text="The date the charge cleared the bank.",
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
    )
    restaurant = RestaurantChoiceField(queryset=Restaurant.objects.none(), required=False, empty_label="— none —")
    category = forms.ModelChoiceField(queryset=Category.objects.none(), required=False, empty_label="— none —")
    meal_type = forms.ChoiceField(label="Meal", choices=MealType.choices)
    order_type = forms.ChoiceField(label="Order type", choices=OrderType.choices)
    party_size = forms.IntegerField(
        label="Party size", min_value=1, max_value=50, initial=1, widget=forms.NumberInput({"inputmode": "numeric"})
    )
    tax = forms.DecimalField(max_digits=12, min_value=0, required=False, widget=forms.NumberInput(MONEY_ATTRS))
    tip = forms.DecimalField(max_digits=12, min_value=0, required=False, widget=forms.NumberInput(MONEY_ATTRS))
    fees = forms.DecimalField(
        label="Fees",
        max_digits=12,
        min_value=0,
        required=False,
        help_text="Service charge, delivery.",
        widget=forms.NumberInput(MONEY_ATTRS),
    )
    exchange_rate = forms.DecimalField(
        label="Exchange rate",
        max_digits=18,
        decimal_places=8,
        min_value=0,
        required=False,
        help_text=f"Only for another currency with no known rate: {settings.REPORTING_CURRENCY} per unit.",
        widget=forms.NumberInput({"inputmode": "decimal", "step": "any"}),
    )
    # Dual-amount entry for a meal in another currency: the card's amount fixes the rate (expenses.services.currency).
    charged_amount = forms.DecimalField(
        label="Card charged",
        max_digits=12,
        min_value=0.01,
        required=False,
        help_text="For a meal in another currency: the amount on your card statement.",
        widget=forms.NumberInput(MONEY_ATTRS),
    )
    charged_currency = forms.ChoiceField(
        label="Card currency", choices=lambda: [("", "Yours"), *currency_choices()], required=False
    )
    payment_method = forms.ChoiceField(label="Paid with", choices=[("", "—"), *PaymentMethod.choices], required=False)
    tags = forms.CharField(
        required=False,
        max_length=500,
        help_text="Separate with commas, e.g. client, travel.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    is_business = forms.BooleanField(label="Business meal (needs approval)", required=False)
    business_purpose = forms.CharField(label="Business purpose", required=False, widget=forms.Textarea({"rows": 2}))
    # Colleagues picked from the owner's team; guests typed in rows of name, company and relationship (guest_rows).
    attendees = forms.ModelMultipleChoiceField(
        label="Colleagues at the table",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People of your team who were there.",
    )
    receipt = forms.FileField(
        label="Receipt photo or PDF",
        required=False,
        help_text="JPEG, PNG, WebP, HEIC or PDF, up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, owner: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["restaurant"].queryset = restaurants_owned_by(owner)
        self.fields["category"].queryset = categories_owned_by(owner)
        self.fields["attendees"].queryset = colleagues_of(owner)
        self._add_guest_rows()

    def _add_guest_rows(self) -> None:
        """One row of name, company and relationship per guest the meal has or the post sends, and two empty."""
        sent = sum(1 for key in self.data if key.startswith("guest_") and key.endswith("_name"))
        known = len(self.initial.get("guests", []))
        self.guest_count = min(max(sent, known + GUEST_ROWS_EMPTY), GUEST_ROWS_MAX)
        guests = [*self.initial.get("guests", []), *[{}] * self.guest_count][: self.guest_count]
        for index, guest in enumerate(guests):
            for part, (label, length) in GUEST_PARTS.items():
                self.fields[f"guest_{index}_{part}"] = forms.CharField(
                    label=label, max_length=length, required=False, initial=guest.get(part, "")
                )

    def guest_rows(self) -> list[list]:
        """The guest inputs by row, for the template."""
        return [[self[f"guest_{index}_{part}"] for part in GUEST_PARTS] for index in range(self.guest_count)]

    @classmethod
    def initial_for_new(cls, owner: User) -> dict:
        now = timezone.now().astimezone(owner.tzinfo).replace(second=0, microsecond=0)
        return {
            "occurred_at": now,
            "meal_type": meal_type_for(now),
            "currency": owner.default_currency,
            "party_size": 1,
            "order_type": OrderType.DINE_IN,
        }

    @classmethod
    def initial_for(cls, expense) -> dict:
        """The form filled in from an expense: each entered field it shows (expenses/fields.py), times in the
        owner's timezone. The rate is left empty: it is asked for only when none is known, and an edit keeps the
        one used."""
        initial = {name: getattr(expense, name) for name in EDITABLE_FIELD_NAMES if name in cls.base_fields}
        initial.update(
            occurred_at=expense.occurred_at.astimezone(expense.owner.tzinfo),
            restaurant=expense.restaurant_id,
            category=expense.category_id,
            tags=", ".join(tag.name for tag in expense.tags.all()),
            attendees=[a.user_id for a in expense.attendees.all() if a.user_id],
            guests=[
                {"name": a.name, "company": a.company, "relationship": a.relationship}
                for a in expense.attendees.all()
                if not a.user_id
            ],
            version=expense.version,
        )
        initial.pop("exchange_rate", None)
        return initial

    def clean_tags(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["tags"].split(",") if name.strip()]

    def service_fields(self) -> dict:
        """The cleaned input in the shape expense_create / expense_update take."""
        data = dict(self.cleaned_data)
        data.pop("receipt", None)
        data.pop("version", None)
        data["tax"] = data["tax"] or 0
        data["tip"] = data["tip"] or 0
        data["fees"] = data["fees"] or 0
        guests = []
        for index in range(self.guest_count):
            guest = {part: data.pop(f"guest_{index}_{part}", "") or "" for part in GUEST_PARTS}
            if guest["name"].strip():
                guests.append(guest)
        data["attendees"] = [*data.get("attendees", ()), *guests]
        if data["exchange_rate"] is None:
            data.pop("exchange_rate")
        return data


class ExpenseFilterForm(Form):
    q = forms.CharField(
        label="Search",
        required=False,
        widget=forms.TextInput({"type": "search", "placeholder": "Restaurant, note, tag…"}),
    )
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput({"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput({"type": "date"}))
    # The owner's categories, restaurants, tags and trips come from one query (filter_choices_of).
    category = forms.ChoiceField(required=False)
    restaurant = forms.ChoiceField(required=False)
    meal_type = forms.ChoiceField(label="Meal", choices=[("", "Any"), *MealType.choices], required=False)
    order_type = forms.ChoiceField(label="Order type", choices=[("", "Any"), *OrderType.choices], required=False)
    tag = forms.ChoiceField(required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *ExpenseStatus.choices], required=False)
    trip = forms.ChoiceField(required=False)
    sort = forms.ChoiceField(
        choices=[
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
            ("amount_desc", "Highest amount"),
            ("amount_asc", "Lowest amount"),
            ("restaurant", "Restaurant"),
            ("category", "Category"),
        ],
        required=False,
    )

    def __init__(self, *args, owner: User, **kwargs):
        super().__init__(*args, **kwargs)
        for name, choices in filter_choices_of(owner).items():
            self.fields[name].choices = [("", "Any"), *choices]

    def query(self, names: Iterable[str] | None = None) -> QueryDict:
        """The page's filters as the list's query parameters (expenses.filters reads them for the web list, the API
        and the reports alike): the search box is `q` here and `search` there; `names` keeps only those."""
        query = QueryDict(mutable=True)
        for name, values in self.data.lists():
            if name in ("sort", "page") or (names is not None and name not in names):
                continue
            query.setlist("search" if name == "q" else name, values)
        return query

    def ordering(self) -> tuple[str, ...]:
        """The chosen sort as one of the list's orderings (newest first unless a known one is chosen)."""
        return SORT_ORDERINGS.get(self.data.get("sort", ""), SORT_ORDERINGS["newest"])


class ReceiptForm(Form):
    receipt = forms.FileField(
        label="Receipt photo or PDF", widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"})
    )


class DecisionForm(Form):
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


COORDINATE_ATTRS = {"inputmode": "decimal", "step": "any"}


class RestaurantForm(ModelForm):
    website = forms.URLField(required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Restaurant
        fields = [
            "name", "location_name", "cuisine", "service_level", "price_level", "address_line_1", "address_line_2",
            "city", "region", "postal_code", "country", "phone", "website", "latitude", "longitude", "rating",
            "notes",
        ]  # fmt: skip
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "country": forms.TextInput({"maxlength": 2}),
            "latitude": forms.NumberInput(COORDINATE_ATTRS),
            "longitude": forms.NumberInput(COORDINATE_ATTRS),
        }
        labels = {"location_name": "Branch", "address_line_1": "Address", "address_line_2": "Address (line 2)"}
        help_texts = {"latitude": "Pick the place on the map, or type its coordinates.", "longitude": ""}

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None) and not self.errors.keys() & {"latitude", "longitude"}:
            missing = "longitude" if longitude is None else "latitude"
            self.add_error(missing, "Give both coordinates, or neither.")
        return cleaned

    def _post_clean(self):
        # Uniqueness and other rules are the service's job, reported back as field errors.
        pass


class RestaurantQuickForm(RestaurantForm):
    """A new restaurant from the add-meal form (a dialog): what a receipt prints; the rest can be added later."""

    website = None

    class Meta(RestaurantForm.Meta):
        fields = ["name", "location_name", "address_line_1", "city", "region", "postal_code", "country", "phone"]


class RestaurantFilterForm(Form):
    q = forms.CharField(label="Search", required=False, widget=forms.TextInput({"type": "search"}))
    cuisine = forms.CharField(required=False)
    sort = forms.ChoiceField(
        choices=[
            ("name", "Name"), ("city", "City"), ("cuisine", "Cuisine"), ("rating", "Best rated"),
            ("visits", "Most visits"), ("total", "Most spent"), ("last_visit", "Last visit"),
            ("per_person", "Highest per person"),
        ],
        required=False,
    )  # fmt: skip
    brand = forms.ChoiceField(
        label="Brand",
        choices=[
            ("", "Any"), ("linked", "Linked to a brand"), ("unlinked", "Not linked to a brand"),
            ("missing_branch", "Chain branch without its branch name"),
        ],
        required=False,
    )  # fmt: skip

    def filters(self) -> dict:
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v}
        data["search"] = data.pop("q", "")
        data["sort"] = data.get("sort") if data.get("sort") in RESTAURANT_SORTS else "name"
        return data


class CategoryForm(Form):
    name = forms.CharField(max_length=100)
    color = forms.CharField(label="Colour", max_length=7, initial="#6c757d", widget=forms.TextInput({"type": "color"}))
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TagForm(Form):
    name = forms.CharField(max_length=50, help_text="Letters, digits and hyphens; spaces become hyphens.")
    color = forms.CharField(label="Colour", max_length=7, initial="#6c757d", widget=forms.TextInput({"type": "color"}))


class CategoryDeleteForm(Form):
    reassign_to = forms.ModelChoiceField(
        label="Move its expenses to", queryset=Category.objects.none(), required=False, empty_label="No category"
    )

    def __init__(self, *args, category: Category, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reassign_to"].queryset = categories_owned_by(category.owner).exclude(pk=category.pk)
