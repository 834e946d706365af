from http import HTTPStatus

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.forms import (
    AdminPasswordChangeForm,
    AdminSignInForm,
    avatar_field,
    bio_field,
    currency_field,
    display_name_field,
    phone_field,
    timezone_field,
)
from accounts.models import ApprovalDelegation, Team, User
from accounts.services import (
    PROFILE_FIELDS,
    avatar_image,
    profile_values_check,
    user_refresh_tokens_revoke,
    user_update_profile,
)
from mealtracker.errors import DomainError

# The admin's sign-in form counts attempts like the site's own sign-in page.
admin.site.login_form = AdminSignInForm


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    """Email and access are saved as the admin saves any model; the profile goes through the profile service,
    which checks it the same way as on the profile page and the API."""

    display_name = display_name_field()
    timezone = timezone_field()
    default_currency = currency_field()
    bio = bio_field()
    phone = phone_field()
    avatar = avatar_field()
    avatar_clear = forms.BooleanField(label="Remove the avatar", required=False)

    class Meta:
        model = User
        fields = "__all__"
        exclude = (*PROFILE_FIELDS, "avatar")  # so the form never writes them onto the user itself

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PROFILE_FIELDS:
            self.initial.setdefault(name, getattr(self.instance, name))

    def clean(self):
        cleaned = super().clean()
        try:
            profile_values_check(**{name: cleaned[name] for name in PROFILE_FIELDS if name in cleaned})
            if cleaned.get("avatar"):
                avatar_image(cleaned["avatar"])
        except DomainError as exc:
            self.add_error(exc.field, exc.message)
        return cleaned


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    ordering = ["email"]
    list_display = ["email", "display_name", "role", "team", "timezone", "default_currency", "is_active"]
    list_filter = ["role", "team", "is_active"]
    search_fields = ["email", "display_name"]
    list_select_related = ["team"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Profile",
            {"fields": ["display_name", "timezone", "default_currency", "bio", "phone", "avatar", "avatar_clear"]},
        ),
        ("Access", {"fields": ["role", "team", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "role", "team", "password1", "password2"]}),
    ]
    filter_horizontal = []

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            user_update_profile(
                user=obj,
                **{name: form.cleaned_data[name] for name in PROFILE_FIELDS},
                avatar=form.cleaned_data.get("avatar") or None,
                avatar_clear=form.cleaned_data.get("avatar_clear", False),
            )
        if change and "is_active" in form.changed_data and not obj.is_active:
            user_refresh_tokens_revoke(user=obj)  # a deactivated account keeps no API sign-in

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        # Refused input answers 400, as on the profile page and the API; the page still names the field.
        if request.method == "POST" and (getattr(response, "context_data", None) or {}).get("errors"):
            response.status_code = HTTPStatus.BAD_REQUEST
        return response


class TeamMemberInline(admin.TabularInline):
    model = User
    fk_name = "team"
    fields = ["email", "display_name", "role"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApprovalDelegation)
class ApprovalDelegationAdmin(admin.ModelAdmin):
    """Read only here: managers give delegations in the app (accounts/delegations.py checks them)."""

    list_display = ["manager", "delegate", "starts_on", "ends_on", "note"]
    search_fields = ["manager__email", "delegate__email"]
    readonly_fields = ["manager", "delegate", "starts_on", "ends_on", "note", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "manager_list", "created_at"]
    search_fields = ["name"]
    filter_horizontal = ["managers", "auditors"]
    inlines = [TeamMemberInline]
    fieldsets = [
        (None, {"fields": ["name", "managers", "auditors"]}),
        ("Substantiation", {"fields": ["receipt_threshold", "substantiation_blocking"]}),
        (
            "Second approval by finance",
            {"fields": ["second_approval_above", "second_approval_over_policy", "second_approval_categories"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("managers")

    @admin.display(description="Managers")
    def manager_list(self, team):
        return ", ".join(str(m) for m in team.managers.all())
