"""Admin actions merging duplicate restaurants (one person's) and catalogue merchants (admins), through the same
services as the web and the API; and the aliases those merges leave, read-only."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse

from expenses.models import MerchantAlias, RestaurantAlias
from expenses.services.merchants import merchant_merge
from expenses.services.restaurants import restaurant_merge
from mealtracker.errors import DomainError


def _choose_kept(modeladmin, request, queryset, action: str, noun: str):
    """The intermediate page: which of the selected to keep."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Merge {noun}",
        "objects": queryset,
        "noun": noun,
        "action": action,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/expenses/merge_confirmation.html", context)


@admin.action(description="Merge selected restaurants (one person's) into one…", permissions=["change"])
def merge_restaurants(modeladmin, request, queryset):
    owners = {restaurant.owner for restaurant in queryset.select_related("owner")}
    if len(owners) != 1:
        modeladmin.message_user(request, "Select restaurants of one person to merge.", messages.ERROR)
        return None
    if "keep" not in request.POST:
        return _choose_kept(modeladmin, request, queryset.select_related("owner"), "merge_restaurants", "restaurants")
    try:
        done = restaurant_merge(
            owner=owners.pop(), restaurant_ids=[r.pk for r in queryset], keep_id=request.POST.get("keep")
        )
    except DomainError as exc:
        modeladmin.message_user(request, f"Not merged: {exc.message}", messages.ERROR)
        return None
    modeladmin.message_user(
        request,
        f"{done.merged} restaurant(s) merged into {done.kept}; {done.aliases} alias(es) kept.",
        messages.SUCCESS,
    )
    return None


@admin.action(description="Merge selected merchants into one…", permissions=["change"])
def merge_merchants(modeladmin, request, queryset):
    if "keep" not in request.POST:
        return _choose_kept(modeladmin, request, queryset, "merge_merchants", "merchants")
    try:
        done = merchant_merge(actor=request.user, merchant_ids=[m.pk for m in queryset], keep_id=request.POST["keep"])
    except DomainError as exc:
        modeladmin.message_user(request, f"Not merged: {exc.message}", messages.ERROR)
        return None
    modeladmin.message_user(
        request,
        f"{done.merged} merchant(s) merged into {done.kept}: {done.restaurants} restaurant(s) and "
        f"{done.rewards_links} loyalty link(s) moved.",
        messages.SUCCESS,
    )
    return None


class AliasAdmin(admin.ModelAdmin):
    """Written by merges only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RestaurantAlias)
class RestaurantAliasAdmin(AliasAdmin):
    list_display = ["name", "address_line_1", "city", "restaurant", "owner", "created_at"]
    search_fields = ["name", "city", "owner__email", "restaurant__name"]
    list_select_related = ["restaurant", "owner"]


@admin.register(MerchantAlias)
class MerchantAliasAdmin(AliasAdmin):
    list_display = ["name", "merchant", "created_at"]
    search_fields = ["name", "merchant__name"]
    list_select_related = ["merchant"]
