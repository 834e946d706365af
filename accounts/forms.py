"""Forms of the account pages. They validate input; the services in accounts write."""

from django import forms
from django.contrib.auth import forms as auth_forms

from accounts.validators import timezone_choices
from mealtracker.forms import AccessibleFormMixin, Form
from mealtracker.money import currency_choices


class SignInForm(AccessibleFormMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class RegisterForm(Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    display_name = forms.CharField(
        max_length=128, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common password and not only digits.",
    )
    password_again = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    timezone = forms.ChoiceField(choices=timezone_choices, initial="UTC")
    default_currency = forms.ChoiceField(label="Default currency", choices=currency_choices, initial="USD")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return cleaned


class ProfileForm(Form):
    display_name = forms.CharField(
        max_length=128, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    timezone = forms.ChoiceField(
        choices=timezone_choices, help_text="Dates and times are shown, entered and grouped by day in this timezone."
    )
    default_currency = forms.ChoiceField(
        label="Default currency", choices=currency_choices, help_text="New meals start in this currency."
    )


class PasswordChangeForm(AccessibleFormMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(AccessibleFormMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(AccessibleFormMixin, auth_forms.SetPasswordForm):
    pass
