from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from expenses import services
from expenses.admin_attendees import AttendeeInline, attendees_save
from expenses.admin_merges import merge_merchants, merge_restaurants
from expenses.fields import EXPENSE_FIELDS, ROW_RELATIONS, TEXT_FIELD_NAMES
from expenses.models import (
    ApprovalEvent,
    Attendee,
    Category,
    ExchangeRate,
    Expense,
    MealPolicy,
    Merchant,
    PolicyFlag,
    Receipt,
    Restaurant,
    Tag,
)
from expenses.policy_selectors import meal_policies_visible_to, policy_flags_visible_to
from expenses.selectors import expenses_visible_to
from expenses.services import policies
from expenses.services.receipts import can_change_receipts, receipt_delete
from expenses.services.restaurants import RESTAURANT_FIELDS
from expenses.substantiation import substantiation_gaps
from mealtracker.errors import DomainError


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReceiptInline(ReadOnlyInline):
    model = Receipt
    fields = ["original_name", "content_type", "size", "sha256", "created_at"]
    readonly_fields = fields


class ApprovalEventInline(ReadOnlyInline):
    model = ApprovalEvent
    fields = ["created_at", "actor", "from_status", "to_status", "comment"]
    readonly_fields = fields


class RejectForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Tell the owner why.")


# From the expense's one field declaration: what the user enters, but the tags (edited on the expense's page) and
# the exchange rate (shown as used: the services take one only for a currency with no stored rate).
EXPENSE_WRITE_FIELDS = [
    f.name for f in EXPENSE_FIELDS if f.editable and f.name not in {"tags", "exchange_rate", *ROW_RELATIONS}
]
EXPENSE_READ_ONLY_FIELDS = [
    "exchange_rate",
    *(f.name for f in EXPENSE_FIELDS if not f.editable and f.name not in {"id", "owner"}),
]


class ExpenseAdminForm(forms.ModelForm):
    """Field checks only: the expense services validate the whole meal (and move its status with its kind), so
    the model's own clean() must not judge a half-applied change here."""

    def _post_clean(self):
        pass


@admin.register(Expense)
class ExpenseAdmin(admin.ModelAdmin):
    form = ExpenseAdminForm
    list_display = [
        "occurred_at", "owner", "restaurant", "meal_type", "amount", "currency", "reporting_amount", "status",
        "is_business",
    ]  # fmt: skip
    list_filter = ["status", "is_business", "meal_type", "order_type", "currency", "owner__team"]
    search_fields = [
        "owner__email", "restaurant__name", "restaurant__city", *TEXT_FIELD_NAMES, "attendees__name",
        "attendees__company",
    ]  # fmt: skip
    date_hierarchy = "occurred_at"
    list_select_related = ["owner", "restaurant", "restaurant__merchant", "category"]
    raw_id_fields = ["restaurant", "category"]
    readonly_fields = [*EXPENSE_READ_ONLY_FIELDS, "missing_substantiation"]
    fields = ["owner", *EXPENSE_WRITE_FIELDS, *readonly_fields]
    inlines = [AttendeeInline, ReceiptInline, ApprovalEventInline]
    actions = ["approve_selected", "reject_selected"]

    def get_queryset(self, request):
        # Managers see their own and their team's expenses; admins everything. Same rule as the API.
        return expenses_visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return ["owner", *self.readonly_fields]
        return self.readonly_fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "occurred_at" and field is not None:
            # The admin shows and reads times in the viewer's timezone (accounts.middleware), not the owner's.
            field.help_text = f"When the meal happened, in your timezone ({request.user.timezone})."
        return field

    def has_approve_permission(self, request):
        return request.user.has_perm("expenses.approve_expense")

    @admin.display(description="Missing for substantiation")
    def missing_substantiation(self, expense):
        gaps = substantiation_gaps(expense) if expense.pk else []
        return " ".join(gap.message for gap in gaps) or "—"

    def save_related(self, request, form, formsets, change):
        # The attendees (and the party size that counts them) go through the expense service, never the inline.
        people = [formset for formset in formsets if formset.model is Attendee]
        super().save_related(request, form, [formset for formset in formsets if formset.model is not Attendee], change)
        attendees_save(request=request, expense=form.instance, form=form, formset=people[0] if people else None)

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in EXPENSE_WRITE_FIELDS if name in form.cleaned_data}
        if change:
            # The party size is written with the attendees (save_related), so both are judged together.
            values.pop("party_size", None)
            saved = services.expense_update(expense=obj, actor=request.user, **values)
        else:
            saved = services.expense_create(
                owner=form.cleaned_data["owner"],
                actor=request.user,
                amount=values.pop("amount"),
                occurred_at=values.pop("occurred_at"),
                currency=values.pop("currency"),
                **values,
            )
        obj.pk = saved.pk

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, f"Not saved: {exc.message}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_model(self, request, obj):
        services.expense_delete(expense=obj, actor=request.user)

    def _decide(self, request, queryset, decide, verb, **kwargs):
        done, refused = 0, []
        for expense in queryset:
            try:
                decide(expense=expense, actor=request.user, **kwargs)
                done += 1
            except DomainError as exc:
                refused.append(f"#{expense.pk}: {exc.message}")
        if done:
            self.message_user(request, f"{done} expense(s) {verb}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(description="Approve selected submitted expenses", permissions=["approve"])
    def approve_selected(self, request, queryset):
        self._decide(request, queryset, services.expense_approve, "approved")

    @admin.action(description="Reject selected submitted expenses…", permissions=["approve"])
    def reject_selected(self, request, queryset):
        form = RejectForm(request.POST if "comment" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._decide(request, queryset, services.expense_reject, "rejected", comment=form.cleaned_data["comment"])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject expenses",
            "expenses": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/expenses/expense/reject_confirmation.html", context)


@admin.register(ApprovalEvent)
class ApprovalEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "expense", "actor", "from_status", "to_status", "comment"]
    list_filter = ["to_status"]
    list_select_related = ["expense", "actor"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(expense__in=expenses_visible_to(request.user))

    # The approval trail is written by the workflow only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    """Read-only evidence; deleting goes through the receipt service (the expense's lock, the approval trail)."""

    list_display = ["created_at", "expense", "original_name", "content_type", "size"]
    list_select_related = ["expense"]
    search_fields = ["original_name", "sha256", "ocr_merchant_name"]
    readonly_fields = ["expense", "uploaded_by", "file", "content_type", "size", "sha256", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(expense__in=expenses_visible_to(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_change_receipts(request.user, obj.expense))

    def delete_model(self, request, obj):
        receipt_delete(receipt=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for receipt in queryset.select_related("expense"):
            try:
                receipt_delete(receipt=receipt, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"Receipt {receipt.pk} not deleted: {exc.message}", messages.WARNING)


class RestaurantAdminForm(forms.ModelForm):
    """Field checks here; the restaurant service judges the rest (the identity rule included), so a refusal shows
    on the field it names and the admin writes exactly what the web and the API would."""

    website = forms.URLField(required=False, max_length=500, assume_scheme="https")

    def _post_clean(self):
        if self._errors:
            return
        existing = self.instance if self.instance.pk else None
        owner = existing.owner if existing else self.cleaned_data.get("owner")
        try:
            services.restaurant_check(owner=owner, restaurant=existing, **restaurant_values(self.cleaned_data))
        except DomainError as exc:
            for field, messages in (getattr(exc, "errors", None) or {exc.field: [exc.message]}).items():
                self.add_error(field if field in self.fields else None, messages)


def restaurant_values(cleaned_data: dict) -> dict:
    return {name: value for name, value in cleaned_data.items() if name in RESTAURANT_FIELDS}


@admin.register(Restaurant)
class RestaurantAdmin(admin.ModelAdmin):
    form = RestaurantAdminForm
    list_display = ["name", "location_name", "city", "country", "cuisine", "owner", "merchant"]
    list_filter = ["service_level", "price_level", "country"]
    search_fields = ["name", "location_name", "city", "owner__email", "place_id", "aliases__name"]
    list_select_related = ["owner", "merchant"]
    raw_id_fields = ["owner", "merchant"]
    actions = [merge_restaurants]

    def get_readonly_fields(self, request, obj=None):
        return ["owner"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        # Through the service: the same identity rule, and a new restaurant linked to its merchant.
        values = restaurant_values(form.cleaned_data)
        if change:
            saved = services.restaurant_update(restaurant=obj, **values)
        else:
            saved = services.restaurant_create(owner=form.cleaned_data["owner"], **values)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:  # a race the form's check could not see
            self.message_user(request, f"Not saved: {exc.message}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "format_category", "cuisine", "service_level", "is_chain"]
    list_filter = ["format_category", "service_level", "is_chain"]
    search_fields = ["name", "short_name", "website", "aliases__name"]
    actions = [merge_merchants]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "color", "icon", "is_default"]
    list_filter = ["is_default"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "color"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner"]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["date", "currency", "rate", "source"]
    list_filter = ["currency", "source"]
    date_hierarchy = "date"


# --- Receipt readings (read-only) and loyalty (expenses/admin_loyalty.py) -------------------------------------
from expenses import admin_loyalty  # noqa: E402, F401  (programmes, accounts and links, through the services)
from expenses.models import ReceiptReading  # noqa: E402


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReceiptReading)
class ReceiptReadingAdmin(ReadOnlyAdmin):
    list_display = ["receipt", "backend", "read_at", "subtotal", "time", "merchant_phone"]
    list_filter = ["backend"]
    list_select_related = ["receipt"]
    raw_id_fields = ["receipt"]


@admin.register(MealPolicy)
class MealPolicyAdmin(admin.ModelAdmin):
    """Saved through the policy service, so the team's meals are re-judged whichever surface changed the limit."""

    list_display = ["team", "meal_type", "max_per_person", "currency", "basis"]
    list_filter = ["team", "meal_type", "basis"]
    fields = ["team", "meal_type", "max_per_person", "currency", "basis"]

    def get_queryset(self, request):
        return meal_policies_visible_to(request.user)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = policies.meal_policy_set(
            actor=request.user, team=data["team"], meal_type=data["meal_type"],
            max_per_person=data["max_per_person"], currency=data["currency"], basis=data["basis"],
        )  # fmt: skip
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        policies.meal_policy_delete(actor=request.user, policy=obj)

    def delete_queryset(self, request, queryset):
        for policy in queryset:
            policies.meal_policy_delete(actor=request.user, policy=policy)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, f"Not saved: {exc.message}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(PolicyFlag)
class PolicyFlagAdmin(ReadOnlyAdmin):
    """Verdicts are derived from the expense and its policy; nobody edits them by hand."""

    list_display = ["expense", "basis", "per_person", "limit_per_person", "over_by", "created_at"]
    readonly_fields = ["expense", "policy", "basis", "per_person", "limit_per_person", "over_by", "created_at"]

    def get_queryset(self, request):
        return policy_flags_visible_to(request.user)


# Trips, per-diem rates, favourites and recurring meals: registered by their own module.
# Expense reports and reimbursement batches.
# Webhook endpoints and deliveries (admins), the expense history (read-only).
from expenses import (  # noqa: E402
    admin_reports,  # noqa: F401
    admin_webhooks,  # noqa: F401
    split_admin,  # noqa: F401  (items, shares and settlements, read-only)
    trip_admin,  # noqa: F401
)
