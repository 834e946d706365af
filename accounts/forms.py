"""Forms of the account pages. They validate input; the services in accounts write."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError

from accounts.services import user_refresh_tokens_revoke
from accounts.throttles import refusal_message, sign_in_attempt
from accounts.validators import timezone_choices, validate_timezone
from mealtracker.forms import AccessibleFormMixin, Form
from mealtracker.money import currency_choices


class SignInThrottleMixin:
    """For Django's authentication forms: each attempt counts per client and per account before any password check
    (so a refused attempt says nothing about the password); over either rate it is a `throttled` form error."""

    retry_after = 0.0

    def clean(self):
        verdict = sign_in_attempt(self.request, str(self.cleaned_data.get("username") or ""))
        if not verdict.allowed:
            self.retry_after = verdict.retry_after
            raise ValidationError(refusal_message(verdict), code="throttled")
        return super().clean()


class SignInForm(AccessibleFormMixin, SignInThrottleMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class AdminSignInForm(SignInThrottleMixin, AdminAuthenticationForm):
    pass


def display_name_field(**kwargs) -> forms.CharField:
    return forms.CharField(required=False, widget=forms.TextInput(attrs={"autocomplete": "name"}), **kwargs)


def timezone_field(**kwargs) -> forms.CharField:
    # Picked from a list; the value itself is checked by the profile service (one rule for pages, API and admin).
    return forms.CharField(widget=forms.Select(choices=timezone_choices), **kwargs)


def bio_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}), help_text="Up to 500 characters."
    )


def phone_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text="With its country code, e.g. +44 20 7946 0958; saved as +442079460958.",
    )


def avatar_field(**kwargs) -> forms.FileField:
    # A FileField, not an ImageField: the profile service sniffs, decodes and re-encodes the image itself.
    return forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"}),
        help_text="A JPEG, PNG, WebP or HEIC image up to 5 MB; cropped square, its metadata removed.",
    )


def currency_field(**kwargs) -> forms.CharField:
    return forms.CharField(label="Default currency", widget=forms.Select(choices=currency_choices), **kwargs)


class RegisterForm(Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    display_name = display_name_field()
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common password and not only digits.",
    )
    password_again = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    timezone = timezone_field(initial="UTC")
    # Filled in by the page's script from the browser (Intl); the list above is the fallback, and the script empties
    # this field when the person picks another timezone there.
    browser_timezone = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    default_currency = currency_field(initial="USD")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        browser = (cleaned.get("browser_timezone") or "").strip()
        try:
            validate_timezone(browser)
        except ValidationError:
            pass  # no script, or a name this server does not know: the list's choice stands
        else:
            cleaned["timezone"] = browser
        return cleaned


class ProfileForm(Form):
    """The profile page's input; `accounts.services.user_update_profile` checks and saves it."""

    display_name = display_name_field()
    timezone = timezone_field(help_text="Dates and times are shown, entered and grouped by day in this timezone.")
    default_currency = currency_field(help_text="New meals start in this currency.")
    bio = bio_field()
    phone = phone_field()
    avatar = avatar_field()
    avatar_clear = forms.BooleanField(label="Remove my avatar (show my initials)", required=False)


class RevokeTokensOnSaveMixin:
    """A new password ends every API sign-in made with the old one (the page's own session is kept by the view)."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            user_refresh_tokens_revoke(user=user)
        return user


class PasswordChangeForm(AccessibleFormMixin, RevokeTokensOnSaveMixin, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(AccessibleFormMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(AccessibleFormMixin, RevokeTokensOnSaveMixin, auth_forms.SetPasswordForm):
    pass


class AdminPasswordChangeForm(RevokeTokensOnSaveMixin, auth_forms.AdminPasswordChangeForm):
    pass
