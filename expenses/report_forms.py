"""Forms of the expense report and reimbursement batch pages; the services write."""

from django import forms

from expenses.models import ReportBasis
from mealtracker.forms import Form

DATE = {"type": "date"}


class ExpenseReportForm(Form):
    title = forms.CharField(max_length=150)
    purpose = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    basis = forms.ChoiceField(choices=ReportBasis.choices, initial=ReportBasis.SELECTION, widget=forms.RadioSelect)
    period_start = forms.DateField(required=False, widget=forms.DateInput(DATE), label="First day")
    period_end = forms.DateField(required=False, widget=forms.DateInput(DATE), label="Last day")
    trip = forms.ModelChoiceField(queryset=None, required=False)
    expenses = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Meals"
    )

    def __init__(self, *args, trips, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trip"].queryset = trips
        self.fields["expenses"].queryset = candidates


class RejectLineForm(Form):
    expense = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(max_length=2000, label="Reason")


class BatchForm(Form):
    reference = forms.CharField(max_length=100, help_text="The payout's reference at the bank or payroll.")
    payout_date = forms.DateField(widget=forms.DateInput(DATE))
    expenses = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Approved meals to pay"
    )

    def __init__(self, *args, payable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expenses"].queryset = payable
