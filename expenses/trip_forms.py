"""Forms of the trip, favourite and recurring-meal pages. They parse and check input; the services write."""

from django import forms

from accounts.models import User
from expenses.choices import MealType, OrderType, PaymentMethod
from expenses.forms import MONEY_ATTRS, RestaurantChoiceField
from expenses.models import Category, MealTemplate, Repeat, Restaurant, Trip
from expenses.per_diem_selectors import per_diem_locations
from expenses.selectors import categories_owned_by, restaurants_owned_by
from mealtracker.forms import Form, ModelForm
from mealtracker.money import currency_choices

DATE = {"type": "date"}


class TripForm(ModelForm):
    per_diem_location = forms.ChoiceField(
        label="Per-diem rate area", required=False,
        help_text="Leave on “Find from the city” unless the city is in a rate area under another name.",
    )  # fmt: skip

    class Meta:
        model = Trip
        fields = ["name", "start_date", "end_date", "city", "region", "country", "per_diem_location", "purpose"]
        widgets = {
            "start_date": forms.DateInput(DATE, format="%Y-%m-%d"),
            "end_date": forms.DateInput(DATE, format="%Y-%m-%d"),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "country": forms.TextInput({"maxlength": 2, "autocapitalize": "characters"}),
        }
        labels = {"start_date": "First day", "end_date": "Last day", "region": "State or region"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["per_diem_location"].choices = [("", "Find from the city"), *per_diem_locations()]

    def _post_clean(self):
        # Overlaps, dates and rate areas are the service's rules, reported back on their fields.
        pass


class MealsProvidedForm(Form):
    breakfast = forms.BooleanField(required=False)
    lunch = forms.BooleanField(required=False)
    dinner = forms.BooleanField(required=False)


class MealTemplateForm(ModelForm):
    amount = forms.DecimalField(max_digits=12, min_value=0.01, widget=forms.NumberInput(MONEY_ATTRS))
    currency = forms.ChoiceField(choices=currency_choices)
    restaurant = RestaurantChoiceField(queryset=Restaurant.objects.none(), required=False, empty_label="— none —")
    category = forms.ModelChoiceField(queryset=Category.objects.none(), required=False, empty_label="— none —")
    meal_type = forms.ChoiceField(label="Meal", choices=MealType.choices)
    order_type = forms.ChoiceField(label="Order type", choices=OrderType.choices)
    payment_method = forms.ChoiceField(label="Paid with", choices=[("", "—"), *PaymentMethod.choices], required=False)
    repeat = forms.ChoiceField(label="Repeat", choices=Repeat.choices, required=False)
    weekdays = forms.MultipleChoiceField(
        label="On", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[("1", "Mon"), ("2", "Tue"), ("3", "Wed"), ("4", "Thu"), ("5", "Fri"), ("6", "Sat"), ("7", "Sun")],
    )  # fmt: skip

    class Meta:
        model = MealTemplate
        fields = [
            "name", "amount", "currency", "restaurant", "category", "meal_type", "order_type", "party_size",
            "payment_method", "tags", "notes", "repeat", "weekdays", "day_of_month", "time_of_day", "starts_on",
            "ends_on", "is_active",
        ]  # fmt: skip
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2}),
            "time_of_day": forms.TimeInput({"type": "time"}, format="%H:%M"),
            "starts_on": forms.DateInput(DATE, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(DATE, format="%Y-%m-%d"),
        }
        labels = {"is_active": "Schedule on", "time_of_day": "At", "starts_on": "From", "ends_on": "Until"}

    def __init__(self, *args, owner: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["restaurant"].queryset = restaurants_owned_by(owner)
        self.fields["category"].queryset = categories_owned_by(owner)
        if not self.is_bound and self.instance.pk:
            self.initial["weekdays"] = [str(day) for day in self.instance.weekday_numbers]

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["weekdays"] = ",".join(data.get("weekdays") or [])
        return data
