"""The loyalty pages' forms: a programme with the user's account in it, a merchant to link, a file to import."""

from django import forms

from expenses.selectors import merchants_all
from mealtracker.forms import Form

MEMBERSHIP_FORM_FIELDS = ["membership_email", "membership_phone", "portal_username", "account_number", "tier",
                          "points_balance", "notes"]  # fmt: skip


class RewardsProgramForm(Form):
    name = forms.CharField(max_length=120)
    website = forms.URLField(required=False, max_length=500, assume_scheme="https")
    portal_url = forms.URLField(label="Member portal", required=False, max_length=500, assume_scheme="https")
    email = forms.EmailField(label="Programme e-mail", required=False)
    phone = forms.CharField(label="Programme phone", required=False, max_length=30)
    notes = forms.CharField(required=False, widget=forms.Textarea({"rows": 2}))


class MembershipForm(Form):
    """Your account in the programme. The number is never put back into the page: blank keeps the stored one."""

    account_number = forms.CharField(
        label="Account number",
        required=False,
        max_length=100,
        widget=forms.TextInput({"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}),
    )
    tier = forms.CharField(required=False, max_length=100)
    points_balance = forms.DecimalField(
        label="Points", required=False, min_value=0, max_digits=12, decimal_places=2,
        widget=forms.NumberInput({"inputmode": "decimal", "step": "any"}),
    )  # fmt: skip
    membership_email = forms.EmailField(label="E-mail on the account", required=False)
    membership_phone = forms.CharField(label="Phone on the account", required=False, max_length=30)
    portal_username = forms.CharField(label="Portal user name", required=False, max_length=150)
    notes = forms.CharField(label="Account notes", required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, masked: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if masked:
            self.fields["account_number"].help_text = f"Stored encrypted as {masked}. Leave blank to keep it."


class MerchantLinkForm(Form):
    merchant = forms.ModelChoiceField(queryset=merchants_all(), empty_label="Choose a merchant")


class LoyaltyImportForm(Form):
    file = forms.FileField(
        label="Loyalty export (CSV or JSON)",
        help_text="A file exported here or from the original app; programmes are matched by name.",
        widget=forms.ClearableFileInput({"accept": ".csv,.json,text/csv,application/json"}),
    )
