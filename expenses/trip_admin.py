"""Back office for trips, per-diem rates, favourites and recurring meals: writes go through the services."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from expenses.meal_template_selectors import meal_templates_of
from expenses.models import MealTemplate, PendingMeal, PerDiemRate, Trip, TripMealsProvided
from expenses.services.trips import TRIP_FIELDS, trip_create, trip_delete, trip_update
from expenses.trip_selectors import trips_visible_to
from mealtracker.errors import DomainError


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MealsProvidedInline(ReadOnlyMixin, admin.TabularInline):
    model = TripMealsProvided
    fields = ["date", "breakfast", "lunch", "dinner"]
    readonly_fields = fields
    extra = 0

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Trip)
class TripAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "start_date", "end_date", "city", "region", "country", "per_diem_location"]
    list_filter = ["country", "owner__team"]
    search_fields = ["name", "city", "purpose", "owner__email"]
    date_hierarchy = "start_date"
    list_select_related = ["owner"]
    fields = ["owner", "name", "purpose", "start_date", "end_date", "city", "region", "country", "per_diem_location",
              "timezone", "version"]  # fmt: skip
    readonly_fields = ["timezone", "version"]
    raw_id_fields = ["owner"]
    inlines = [MealsProvidedInline]

    def get_queryset(self, request):
        # The same rule as the web and the API: own trips, a team's claimed trips for a manager, all for an admin.
        return trips_visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        return ["owner", *self.readonly_fields] if obj is not None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.owner_id == request.user.pk or request.user.is_admin)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in TRIP_FIELDS if name in form.cleaned_data}
        if change:
            saved = trip_update(trip=obj, actor=request.user, **values)
        else:
            saved = trip_create(owner=form.cleaned_data["owner"], **values)
        obj.pk = saved.pk

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, f"Not saved: {exc.message}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_model(self, request, obj):
        trip_delete(trip=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for trip in queryset:
            trip_delete(trip=trip, actor=request.user)


@admin.register(PerDiemRate)
class PerDiemRateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Loaded from the GSA file by `manage.py load_per_diem`; read here."""

    list_display = ["location_key", "fiscal_year", "valid_from", "valid_to", "meals_and_incidentals", "lodging"]
    list_filter = ["fiscal_year", "state"]
    search_fields = ["location_key", "destination", "county"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MealTemplate)
class MealTemplateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Favourites are personal: each person sees their own (an admin all), to help, never to change."""

    list_display = ["name", "owner", "amount", "currency", "repeat", "time_of_day", "is_active"]
    list_filter = ["repeat", "is_active"]
    search_fields = ["name", "owner__email"]
    list_select_related = ["owner"]

    def get_queryset(self, request):
        return (
            MealTemplate.objects.select_related("owner") if request.user.is_admin else meal_templates_of(request.user)
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PendingMeal)
class PendingMealAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["template", "owner", "occurs_on", "occurred_at", "status", "expense"]
    list_filter = ["status"]
    list_select_related = ["template", "owner", "expense"]

    def get_queryset(self, request):
        pending = PendingMeal.objects.select_related("template", "owner", "expense")
        return pending if request.user.is_admin else pending.filter(owner=request.user)

    def has_delete_permission(self, request, obj=None):
        return False
