"""Back office: webhook endpoints (admins register them through the webhook service), their deliveries (read-only,
replayable) and the expense history (read-only)."""

from django import forms
from django.contrib import admin, messages

from expenses.models import ExpenseChange, WebhookDelivery, WebhookEndpoint
from expenses.selectors import expenses_visible_to
from expenses.services.webhooks import (
    WEBHOOK_EVENTS,
    webhook_delivery_replay,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
)
from mealtracker.errors import DomainError


class AdminsOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_admin

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=[(name, name) for name in sorted(WEBHOOK_EVENTS)], widget=forms.CheckboxSelectMultiple
    )
    secret = forms.CharField(
        required=False, help_text="Leave empty to generate one. Shared with the receiver to verify signatures."
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "events", "secret", "description", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AdminsOnly, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "description", "is_active", "created_at"]
    list_filter = ["is_active"]

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in ["url", "events", "secret", "description", "is_active"]}
        try:
            if change:
                if not values["secret"]:
                    values.pop("secret")
                saved = webhook_endpoint_update(actor=request.user, endpoint=obj, **values)
            else:
                is_active = values.pop("is_active")
                saved = webhook_endpoint_create(actor=request.user, **values)
                if not is_active:
                    saved = webhook_endpoint_update(actor=request.user, endpoint=saved, is_active=False)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        obj.pk = saved.pk

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        original_clean = form.clean

        def clean(this):
            cleaned = original_clean(this)
            if "url" in cleaned:
                from expenses.services.webhooks import resolve_public_addresses

                try:
                    resolve_public_addresses(cleaned["url"])
                except DomainError as exc:
                    this.add_error("url", exc.message)
            return cleaned

        form.clean = clean
        return form

    def delete_model(self, request, obj):
        webhook_endpoint_delete(actor=request.user, endpoint=obj)

    def has_add_permission(self, request):
        return request.user.is_admin

    def has_change_permission(self, request, obj=None):
        return request.user.is_admin

    def has_delete_permission(self, request, obj=None):
        return request.user.is_admin


@admin.action(description="Send again (replay)")
def replay_deliveries(modeladmin, request, queryset):
    for delivery in queryset:
        webhook_delivery_replay(actor=request.user, delivery=delivery)
    modeladmin.message_user(request, f"{queryset.count()} delivery(ies) queued again.", messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AdminsOnly, admin.ModelAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "response_status", "next_attempt_at", "created_at"]
    list_filter = ["status", "event"]
    list_select_related = ["endpoint"]
    actions = [replay_deliveries]
    readonly_fields = [
        "endpoint", "event", "event_id", "payload", "status", "attempts", "next_attempt_at", "last_attempt_at",
        "response_status", "response_body", "error", "replay_of", "created_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExpenseChange)
class ExpenseChangeAdmin(admin.ModelAdmin):
    """The expense history, as recorded (append-only): nobody adds, edits or deletes an entry."""

    list_display = ["expense", "actor_label", "source", "changed_fields", "created_at"]
    list_filter = ["source"]
    list_select_related = ["expense"]
    readonly_fields = ["expense", "actor", "actor_label", "source", "changes", "created_at"]

    @admin.display(description="Fields")
    def changed_fields(self, obj):
        return ", ".join(obj.changes)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(expense__in=expenses_visible_to(request.user).values("pk"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
