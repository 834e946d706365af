"""Loyalty in the back office: programmes, accounts (the number typed, never shown but masked) and merchant links,
written through the loyalty services; a member's loyalty exported as JSON or CSV and imported from a file.

Loyalty is personal: admins see everyone's, other staff only their own."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from accounts.models import User
from expenses.loyalty.transfer import loyalty_export_file, loyalty_file_read, loyalty_import
from expenses.models import MerchantRewardsLink, RewardsMembership, RewardsProgram
from expenses.services import loyalty as services
from expenses.services.loyalty import MEMBERSHIP_FIELDS, PROGRAM_FIELDS
from mealtracker.errors import DomainError


def _became(obj, saved) -> None:
    """The admin's object is what the service saved (the admin logs and links to it)."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False


class OwnLoyaltyAdmin(admin.ModelAdmin):
    """Everyone's for admins, one's own for other staff; writes go through the services."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_admin else queryset.filter(owner=request.user)

    def get_readonly_fields(self, request, obj=None):
        return ["owner", *self.readonly_fields] if obj is not None else self.readonly_fields

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, f"Not saved: {exc.message}", messages.ERROR)
            return redirect(request.get_full_path())

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class LoyaltyImportForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=User.objects.filter(is_active=True), help_text="Whose loyalty it is.")
    file = forms.FileField(help_text="A loyalty export, CSV or JSON; programmes are matched by name.")


@admin.register(RewardsProgram)
class RewardsProgramAdmin(OwnLoyaltyAdmin):
    list_display = ["name", "owner", "website", "email", "phone"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]
    fields = ["owner", *sorted(PROGRAM_FIELDS)]
    actions = ["export_json", "export_csv"]
    change_list_template = "admin/expenses/rewardsprogram/change_list.html"

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in PROGRAM_FIELDS if name in form.cleaned_data}
        if change:
            saved = services.rewards_program_update(program=obj, **values)
        else:
            saved = services.rewards_program_create(owner=form.cleaned_data["owner"], **values)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.rewards_program_delete(program=obj)

    def _export(self, request, queryset, file_format):
        owners = {program.owner for program in queryset.select_related("owner")}
        if len(owners) != 1:
            self.message_user(request, "Select the programmes of one person to export.", messages.ERROR)
            return None
        owner = owners.pop()
        text, content_type = loyalty_export_file(owner, file_format=file_format)  # never the account numbers
        response = HttpResponse(text, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="loyalty-{owner.pk}.{file_format}"'
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description="Export the loyalty of the selected programmes' owner (JSON)")
    def export_json(self, request, queryset):
        return self._export(request, queryset, "json")

    @admin.action(description="Export the loyalty of the selected programmes' owner (CSV)")
    def export_csv(self, request, queryset):
        return self._export(request, queryset, "csv")

    def get_urls(self):
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name="expenses_rewardsprogram_import")]
        return extra + super().get_urls()

    def import_view(self, request):
        if not (request.user.is_admin and self.has_add_permission(request)):
            return redirect("admin:expenses_rewardsprogram_changelist")
        form = LoyaltyImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                document, csv_text = loyalty_file_read(form.cleaned_data["file"])
                summary = loyalty_import(form.cleaned_data["owner"], document=document, csv_text=csv_text)
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                self.message_user(
                    request,
                    f"{summary.programs_created} programme(s) added, {summary.programs_updated} updated, "
                    f"{summary.links_saved} merchant link(s).",
                    messages.SUCCESS,
                )
                for warning in summary.warnings:
                    self.message_user(request, warning, messages.WARNING)
                return redirect("admin:expenses_rewardsprogram_changelist")
        context = {**self.admin_site.each_context(request), "title": "Import loyalty", "form": form,
                   "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "admin/expenses/rewardsprogram/import.html", context)


class RewardsMembershipAdminForm(forms.ModelForm):
    """The account number is typed here, never filled back in: blank keeps the stored one."""

    account_number = forms.CharField(
        required=False, max_length=100, widget=forms.TextInput({"autocomplete": "off"}),
        help_text="Stored encrypted. Leave blank to keep the current number.",
    )  # fmt: skip

    class Meta:
        model = RewardsMembership
        fields = ["owner", "program", "membership_email", "membership_phone", "portal_username", "tier",
                  "points_balance", "notes"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.pop("account_number", None)

    def _post_clean(self):
        pass  # the loyalty service validates the account


@admin.register(RewardsMembership)
class RewardsMembershipAdmin(OwnLoyaltyAdmin):
    form = RewardsMembershipAdminForm
    # The account number stays masked even for admins: it is the member's secret, encrypted at rest.
    list_display = ["program", "owner", "account_number_masked", "tier", "points_balance"]
    readonly_fields = ["account_number_masked"]
    search_fields = ["program__name", "owner__email"]
    list_select_related = ["owner", "program"]
    raw_id_fields = ["owner", "program"]

    def get_fields(self, request, obj=None):
        fields = ["owner", "program", "account_number", "account_number_masked", "membership_email",
                  "membership_phone", "portal_username", "tier", "points_balance", "notes"]  # fmt: skip
        return fields if obj is not None else [name for name in fields if name != "account_number_masked"]

    def get_readonly_fields(self, request, obj=None):
        return ["owner", "program", "account_number_masked"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data.get(name) for name in MEMBERSHIP_FIELDS if name in form.cleaned_data}
        if not values.get("account_number"):
            values.pop("account_number", None)
        if change:
            saved = services.rewards_membership_update(membership=obj, **values)
        else:
            saved = services.rewards_membership_create(
                owner=form.cleaned_data["owner"], program=form.cleaned_data["program"], **values
            )
        _became(obj, saved)

    def delete_model(self, request, obj):
        services.rewards_membership_delete(membership=obj)


class MerchantRewardsLinkAdminForm(forms.ModelForm):
    class Meta:
        model = MerchantRewardsLink
        fields = ["owner", "merchant", "program"]

    def _post_clean(self):
        pass  # linking a merchant again replaces its programme (merchant_rewards_link_set), never a duplicate


@admin.register(MerchantRewardsLink)
class MerchantRewardsLinkAdmin(OwnLoyaltyAdmin):
    form = MerchantRewardsLinkAdminForm
    list_display = ["merchant", "program", "owner"]
    search_fields = ["merchant__name", "program__name", "owner__email"]
    list_select_related = ["merchant", "program", "owner"]
    raw_id_fields = ["owner", "merchant", "program"]
    fields = ["owner", "merchant", "program"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        owner = obj.owner if change else data["owner"]
        saved = services.merchant_rewards_link_set(owner=owner, merchant=data["merchant"], program=data["program"])
        _became(obj, saved)

    def delete_model(self, request, obj):
        services.merchant_rewards_link_delete(link=obj)
