"""Filters of the Reports page; the same names as the API's query parameters."""

from decimal import Decimal

from django import forms

from accounts.selectors import teams_managed_by
from expenses.choices import MealType
from expenses.selectors import categories_owned_by
from expenses.trip_selectors import trips_visible_to
from mealtracker.forms import ListedModelChoiceField
from reports.models import BudgetPeriod
from reports.selectors import PERIODS, Basis, ReportFilters, Scope


class ReportFilterForm(forms.Form):
    scope = forms.ChoiceField(required=False)
    basis = forms.ChoiceField(
        required=False,
        label="Count",
        choices=Basis.choices,
        help_text="My share: your part of split meals, and what you owe for meals others paid.",
    )
    date_from = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.ChoiceField(required=False, choices=[(p, p.title()) for p in PERIODS], initial="month")
    meal_type = forms.ChoiceField(required=False, choices=[("", "All meals"), *MealType.choices], label="Meal")
    category = ListedModelChoiceField(queryset=None, required=False, empty_label="All categories")
    trip = ListedModelChoiceField(queryset=None, required=False, empty_label="Any trip")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trip"].queryset = trips_visible_to(user)
        scopes = [(Scope.MINE, "Mine")]
        if user.is_manager or user.is_admin or user.is_finance or user.is_auditor:
            label = "My team" if user.is_manager else "Teams I read" if user.is_auditor else "All teams"
            scopes.append((Scope.TEAM, label))
        if user.is_admin:
            scopes.append((Scope.EVERYONE, "Everyone"))
        self.fields["scope"].choices = scopes
        self.fields["category"].queryset = categories_owned_by(user)

    def to_filters(self) -> ReportFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return ReportFilters(
            scope=data.get("scope") or Scope.MINE,
            basis=data.get("basis") or Basis.PAID,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            meal_types=(data["meal_type"],) if data.get("meal_type") else (),
            categories=(data["category"].pk,) if data.get("category") else (),
            trips=(data["trip"].pk,) if data.get("trip") else (),
        )

    def chosen_period(self) -> str:
        return (self.cleaned_data.get("period") if self.is_valid() else None) or "month"


class ImportUploadForm(forms.Form):
    file = forms.FileField(help_text="CSV, XLSX or JSON: our export, a bank or card export, a budgeting app's export.")


class ImportRowEditForm(forms.Form):
    """Corrections to one import row; blank fields are left as they were."""

    action = forms.ChoiceField(choices=[("apply", "Import"), ("skip", "Skip")], required=False)
    date = forms.CharField(required=False, max_length=40)
    time = forms.CharField(required=False, max_length=20)
    amount = forms.CharField(required=False, max_length=30)
    currency = forms.CharField(required=False, max_length=3)
    exchange_rate = forms.CharField(required=False, max_length=30, label="Rate")
    restaurant_name = forms.CharField(required=False, max_length=100, label="Restaurant")
    restaurant_country = forms.CharField(required=False, max_length=100, label="Country")
    meal_type = forms.ChoiceField(required=False, choices=[("", "—"), *MealType.choices], label="Meal")
    party_size = forms.CharField(required=False, max_length=3, label="Party")

    def changes(self) -> tuple[str | None, dict]:
        data = self.cleaned_data
        values = {k: v for k, v in data.items() if k != "action" and v not in ("", None)}
        if "date" in values:
            # An edited local date replaces the file's instant.
            values.setdefault("datetime_utc", "")
            values.setdefault("occurred_at", "")
        return data.get("action") or None, values


class BudgetForm(forms.Form):
    name = forms.CharField(max_length=100, required=False)
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    period = forms.ChoiceField(choices=BudgetPeriod.choices, initial=BudgetPeriod.MONTH)
    category = forms.ModelChoiceField(queryset=None, required=False, empty_label="All categories")
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label="Just me")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories_owned_by(user)
        teams = teams_managed_by(user)
        self.fields["team"].queryset = teams
        if not (user.is_manager or user.is_admin):
            del self.fields["team"]
