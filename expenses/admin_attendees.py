"""The expense admin's attendees: an inline whose rows are written by the expense service (the same rules as the
web and the API: colleagues from the owner's team, the party size counting everyone), never saved by the inline."""

from django import forms
from django.contrib import admin

from accounts.models import User
from accounts.selectors import users_reviewable_by
from expenses import services
from expenses.attendee_selectors import colleagues_of
from expenses.models import Attendee, Expense


class AttendeeInlineForm(forms.ModelForm):
    """Field checks only; a colleague's name comes from the account, and the service judges the whole list."""

    class Meta:
        model = Attendee
        fields = ["user", "name", "company", "relationship"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = "A guest's name (a colleague's comes from the account)."

    def _post_clean(self):
        pass


class AttendeeInline(admin.TabularInline):
    model = Attendee
    form = AttendeeInlineForm
    fields = ["user", "name", "company", "relationship"]
    extra = 1

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Colleagues of the meal's owner; before the meal exists, the people the admin user may review (the
        # service then checks them against the owner chosen).
        people = colleagues_of(obj.owner) if obj is not None else users_reviewable_by(request.user)
        formset.form.base_fields["user"].queryset = people
        return formset

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or _editable(request.user, obj))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or _editable(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or _editable(request.user, obj))


def _editable(user: User, expense: Expense) -> bool:
    from expenses.permissions import can_edit_expense

    return can_edit_expense(user, expense)


def attendees_save(*, request, expense: Expense, form, formset) -> None:
    """Write the inline's rows and the form's party size through expense_update, when either changed (a party
    size left as it was is raised to fit the attendees)."""
    if formset is not None:
        # The admin's change message reads what the formset saved: nothing, the service wrote the rows.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    if formset is None and "party_size" not in form.changed_data:
        return
    values = {}
    if formset is not None and formset.has_changed():
        kept = [row for row in formset.cleaned_data if row and not row.get("DELETE")]
        values["attendees"] = [
            {"user": row.get("user"), **{part: row.get(part) or "" for part in ("name", "company", "relationship")}}
            for row in kept
            if row.get("user") or (row.get("name") or "").strip()
        ]
    if "party_size" in form.changed_data:
        values["party_size"] = form.cleaned_data.get("party_size")
    if values:
        services.expense_update(expense=expense, actor=request.user, **values)
