"""Web forms for a bill's items, splitting a meal and settling up."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from expenses.models import LineItem, SplitMethod
from expenses.services.splits import Person
from mealtracker.forms import Form
from mealtracker.money import currency_choices

MONEY_ATTRS = {"inputmode": "decimal", "step": "0.01", "min": "0"}
BLANK_ITEM_ROWS = 3


class LineItemForm(Form):
    description = forms.CharField(max_length=200, required=False)
    quantity = forms.DecimalField(
        label="Qty", max_digits=8, decimal_places=3, min_value=Decimal("0.001"), required=False,
        widget=forms.NumberInput({"inputmode": "decimal", "step": "any", "min": "0"}),
    )  # fmt: skip
    amount = forms.DecimalField(max_digits=12, min_value=0, required=False, widget=forms.NumberInput(MONEY_ATTRS))

    def clean(self):
        data = super().clean()
        if data.get("description") and data.get("amount") is None:
            self.add_error("amount", "Enter what this line cost.")
        if data.get("amount") is not None and not data.get("description"):
            self.add_error("description", "Say what this line was.")
        return data


LineItemFormSet = forms.formset_factory(LineItemForm, extra=0, max_num=200, absolute_max=200)


def line_item_formset(items: list[LineItem], data=None):
    initial = [{"description": i.description, "quantity": i.quantity.normalize(), "amount": i.amount} for i in items]
    initial += [{}] * BLANK_ITEM_ROWS
    return LineItemFormSet(data, initial=initial, prefix="items")


def items_from(formset) -> list[dict]:
    """The filled rows of the items formset, in order, as line_items_replace takes them."""
    return [
        {"description": row["description"], "quantity": row.get("quantity") or 1, "amount": row["amount"]}
        for row in (form.cleaned_data for form in formset.forms)
        if row.get("description")
    ]


class SplitForm(Form):
    """One form for the four ways to split: the fields per person and per item are added for the meal at hand."""

    method = forms.ChoiceField(choices=SplitMethod.choices, widget=forms.RadioSelect, initial=SplitMethod.EVEN)

    def __init__(self, *args, people: list[Person], items: list[LineItem], currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = people
        self.items = items
        self.currency = currency
        for person in people:
            self.fields[f"in-{person.key}"] = forms.BooleanField(
                label=person.name,
                required=False,
                initial=True,
                widget=forms.CheckboxInput({"class": "form-check-input"}),
            )
            self.fields[f"weight-{person.key}"] = forms.DecimalField(
                label=person.name, min_value=0, max_value=10000, decimal_places=3, required=False, initial=1,
                widget=forms.NumberInput({"inputmode": "decimal", "step": "any", "min": "0"}),
            )  # fmt: skip
            self.fields[f"amount-{person.key}"] = forms.DecimalField(
                label=person.name, min_value=0, max_digits=12, required=False, widget=forms.NumberInput(MONEY_ATTRS)
            )
        for item in items:
            self.fields[f"item-{item.pk}"] = forms.MultipleChoiceField(
                label=item.description,
                choices=[(p.key, p.name) for p in people],
                widget=forms.CheckboxSelectMultiple({"class": "form-check-input"}),
                required=False,
            )

    @staticmethod
    def initial_from(entered: dict, people: list[Person]) -> dict:
        """The form's starting values from split_as_entered (everyone in, weight 1, when never split)."""
        if not entered:
            return {}
        initial = {"method": entered["method"]}
        for person in people:
            initial[f"in-{person.key}"] = person.key in entered["people"]
            initial[f"weight-{person.key}"] = entered["weights"].get(person.key, 0).normalize()
            initial[f"amount-{person.key}"] = entered["amounts"].get(person.key)
        for item_pk, keys in entered["items"].items():
            initial[f"item-{item_pk}"] = keys
        return initial

    def rows(self):
        """Each person with their three inputs, for the template."""
        return [
            {"person": p, "include": self[f"in-{p.key}"], "weight": self[f"weight-{p.key}"],
             "amount": self[f"amount-{p.key}"]}
            for p in self.people
        ]  # fmt: skip

    def item_rows(self):
        return [{"item": item, "field": self[f"item-{item.pk}"]} for item in self.items]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        method = data["method"]
        if method == SplitMethod.EVEN:
            return {"method": method, "people": [p.key for p in self.people if data.get(f"in-{p.key}")]}
        if method == SplitMethod.SHARES:
            weights = {p.key: data.get(f"weight-{p.key}") or 0 for p in self.people}
            return {"method": method, "weights": weights}
        if method == SplitMethod.EXACT:
            return {"method": method, "amounts": {p.key: data.get(f"amount-{p.key}") or 0 for p in self.people}}
        return {"method": method, "items": {item.pk: data.get(f"item-{item.pk}") or [] for item in self.items}}


class SettleUpForm(Form):
    direction = forms.ChoiceField(
        label="Who paid",
        choices=[("paid", "I paid them"), ("received", "They paid me")],
        widget=forms.RadioSelect,
        initial="paid",
    )
    amount = forms.DecimalField(max_digits=12, min_value=Decimal("0.01"), widget=forms.NumberInput(MONEY_ATTRS))
    currency = forms.ChoiceField(choices=currency_choices)
    settled_on = forms.DateField(label="Date", widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(max_length=200, required=False, help_text="E.g. bank transfer, cash.")

    def __init__(self, *args, **kwargs):
        kwargs["initial"] = {"settled_on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
