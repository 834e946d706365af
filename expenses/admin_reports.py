"""Back office for expense reports and reimbursement batches: read through the visibility selectors, written only
through the services (a batch is paid by an action)."""

from django.contrib import admin, messages

from expenses.models import ExpenseReport, ReimbursementBatch
from expenses.report_selectors import batches_visible_to, reports_visible_to
from expenses.services.batches import batch_mark_paid, can_manage_batches
from mealtracker.errors import DomainError


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExpenseReport)
class ExpenseReportAdmin(ReadOnlyAdmin):
    list_display = ["title", "owner", "status", "basis", "submitted_at", "created_at"]
    list_filter = ["status", "basis"]
    search_fields = ["title", "owner__email"]
    readonly_fields = [f.name for f in ExpenseReport._meta.fields]

    def get_queryset(self, request):
        return reports_visible_to(request.user)


@admin.register(ReimbursementBatch)
class ReimbursementBatchAdmin(ReadOnlyAdmin):
    list_display = ["reference", "payout_date", "status", "created_by", "paid_at"]
    list_filter = ["status"]
    search_fields = ["reference"]
    readonly_fields = [f.name for f in ReimbursementBatch._meta.fields]
    actions = ["mark_paid"]

    def get_queryset(self, request):
        return batches_visible_to(request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not can_manage_batches(request.user):
            actions.pop("mark_paid", None)
        return actions

    @admin.action(description="Mark the selected batches paid (each meal becomes reimbursed)")
    def mark_paid(self, request, queryset):
        for batch in queryset:
            try:
                batch_mark_paid(batch=batch, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{batch}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{batch} paid.", messages.SUCCESS)
