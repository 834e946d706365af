"""Back office for itemised bills, shares and settlements: read-only, scoped like the pages.

Items and splits are written by the payer through the pages and the API (expenses/services/splits.py); a settlement
is never edited or deleted, here or anywhere. Staff see what the selectors let them see."""

from django.contrib import admin

from expenses.models import LineItem, Settlement, Share
from expenses.selectors import expenses_visible_to
from expenses.split_selectors import shares_visible_to


class ReadOnlyModelAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LineItem)
class LineItemAdmin(ReadOnlyModelAdmin):
    list_display = ["expense", "position", "description", "quantity", "amount"]
    list_select_related = ["expense"]
    search_fields = ["description"]

    def get_queryset(self, request):
        return LineItem.objects.filter(expense__in=expenses_visible_to(request.user)).select_related("expense")


@admin.register(Share)
class ShareAdmin(ReadOnlyModelAdmin):
    list_display = ["expense", "name", "user", "subtotal", "tax", "tip", "fees", "total", "rounding"]
    readonly_fields = ["expense", "name", "user", "attendee", "weight", "subtotal", "tax", "tip", "fees", "total",
                       "rounding", "reporting_total", "line_items"]  # fmt: skip

    def get_queryset(self, request):
        return shares_visible_to(request.user)


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyModelAdmin):
    list_display = ["settled_on", "payer", "payee", "amount", "currency", "note", "recorded_by", "created_at"]
    list_filter = ["currency"]
    list_select_related = ["payer", "payee", "recorded_by"]
    search_fields = ["payer__email", "payee__email", "note"]
    date_hierarchy = "settled_on"

    def get_queryset(self, request):
        # Admins see every settlement (read-only); anyone else only those they paid or received.
        settlements = super().get_queryset(request)
        if request.user.is_admin:
            return settlements
        return settlements.filter(payer=request.user) | settlements.filter(payee=request.user)
