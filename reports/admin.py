from django.contrib import admin

from reports.models import Budget, BudgetAlert, ImportBatch, Notice


@admin.register(Budget)
class BudgetAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "team", "category", "period", "amount", "currency"]
    list_filter = ["period", "team"]
    search_fields = ["name", "user__email", "team__name"]
    raw_id_fields = ["user", "category", "created_by"]


@admin.register(BudgetAlert)
class BudgetAlertAdmin(admin.ModelAdmin):
    list_display = ["budget", "period_start", "threshold", "spent", "created_at"]
    readonly_fields = ["budget", "period_start", "threshold", "spent", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["recipient", "message", "created_at", "read_at"]
    raw_id_fields = ["recipient", "alert"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["pk", "owner", "source_name", "status", "row_count", "created_count", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["owner", "source_name", "file_format", "row_count", "created_count", "applied_at"]
