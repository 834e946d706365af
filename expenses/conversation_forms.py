"""Forms of comments and notification preferences."""

from django import forms

from accounts.models import EmailDelivery, NotificationKind


class PreferencesForm(forms.Form):
    emailed = forms.MultipleChoiceField(
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="E-mail me when",
        help_text="Everything is always shown under the bell.",
    )
    delivery = forms.ChoiceField(choices=EmailDelivery.choices, widget=forms.RadioSelect, label="How")


class CommentForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, label="Comment", help_text="Mention with @name."
    )
