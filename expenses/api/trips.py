"""The API of trips (with their per-diem days), favourites and the recurring meals waiting for confirmation.

Thin, like the rest of the API: querysets from the visibility selectors, writes through the services."""

from http import HTTPStatus

from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from expenses.api.serializers import ExpenseSerializer
from expenses.api.views import IDEMPOTENCY_HEADER, IF_MATCH_HEADER, CrudViewSet
from expenses.meal_template_selectors import meal_templates_of, pending_meals_of
from expenses.models import Category, MealTemplate, PendingMeal, Repeat, Restaurant, Trip
from expenses.per_diem_selectors import PerDiemDay, TripPerDiem, trip_per_diem
from expenses.selectors import (
    categories_owned_by,
    expenses_listed_for,
    restaurants_owned_by,
    with_listed_relations,
)
from expenses.services.meal_templates import (
    meal_template_create,
    meal_template_delete,
    meal_template_log,
    meal_template_update,
    pending_meal_confirm,
    pending_meal_discard,
)
from expenses.services.trips import trip_create, trip_delete, trip_meals_provided_set, trip_update
from expenses.trip_selectors import trips_visible_to
from mealtracker.api.conditional import etag_for, expected_version
from mealtracker.api.idempotency import run_idempotently
from mealtracker.money import amount_text


class TripSerializer(serializers.ModelSerializer):
    days = serializers.IntegerField(read_only=True, help_text="How many local days the trip has.")
    owner = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Trip
        fields = [
            "id", "owner", "name", "purpose", "start_date", "end_date", "days", "city", "region", "country",
            "per_diem_location", "timezone", "version", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["timezone", "version", "created_at", "updated_at"]
        extra_kwargs = {"country": {"required": False}}


class MealsProvidedSerializer(serializers.Serializer):
    date = serializers.DateField()
    breakfast = serializers.BooleanField(default=False)
    lunch = serializers.BooleanField(default=False)
    dinner = serializers.BooleanField(default=False)


def _day(day: PerDiemDay, reporting: str) -> dict:
    rate = day.rate
    return {
        "date": day.date.isoformat(),
        "travel_day": day.is_travel_day,
        "rate": amount_text(rate.meals_and_incidentals, rate.currency) if rate else None,
        "rate_currency": day.rate_currency,
        "rate_fiscal_year": rate.fiscal_year if rate else None,
        "rate_carried_from": day.rate_carried_from,
        "provided": list(day.provided),
        "deduction": amount_text(day.deduction, rate.currency) if rate else None,
        "allowance": amount_text(day.allowance, rate.currency) if rate else None,
        "allowance_reporting": amount_text(day.allowance_reporting, reporting),
        "spent": amount_text(day.spent, reporting),
        "remaining": amount_text(day.remaining, reporting),
        "meals": day.meals,
    }


def per_diem_json(per_diem: TripPerDiem) -> dict:
    reporting = per_diem.reporting_currency
    return {
        "trip": per_diem.trip.pk,
        "location": per_diem.location_key,
        "currency": reporting,
        "allowance": amount_text(per_diem.allowance, reporting),
        "spent": amount_text(per_diem.spent, reporting),
        "remaining": amount_text(per_diem.remaining, reporting),
        "days": [_day(day, reporting) for day in per_diem.days],
    }


PER_DIEM_RESPONSE = inline_serializer(
    "TripPerDiem",
    {
        "trip": serializers.IntegerField(),
        "location": serializers.CharField(allow_null=True),
        "currency": serializers.CharField(),
        "allowance": serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True),
        "spent": serializers.DecimalField(max_digits=14, decimal_places=2),
        "remaining": serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True),
        "days": serializers.ListField(child=serializers.DictField()),
    },
)


@extend_schema_view(partial_update=extend_schema(parameters=[IF_MATCH_HEADER]))
class TripViewSet(CrudViewSet):
    """Your trips (a manager also reads a team member's trip holding submitted business meals). Meals belong to a
    trip by their local date; list them with `GET /expenses/?trip=<id>`."""

    queryset = Trip.objects.none()  # the model, for the schema; get_queryset() applies visibility
    serializer_class = TripSerializer
    search_fields = ["name", "city", "purpose"]
    ordering_fields = ["start_date", "name", "created_at"]
    ordering = ["-start_date", "-id"]

    def get_queryset(self):
        trips = trips_visible_to(self.request.user)
        return trips if self.action != "list" else trips.filter(owner=self.request.user)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag_for(self.get_object())
        return response

    def perform_create(self, serializer):
        serializer.instance = trip_create(owner=self.request.user, **serializer.validated_data)

    def partial_update(self, request, *args, **kwargs):
        trip = self.get_object()
        serializer = self.get_serializer(trip, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, trip)
        updated = trip_update(trip=trip, actor=request.user, expected_version=version, **serializer.validated_data)
        return Response(self.get_serializer(updated).data, headers={"ETag": etag_for(updated)})

    def perform_destroy(self, instance):
        trip_delete(trip=instance, actor=self.request.user)

    @extend_schema(responses=PER_DIEM_RESPONSE)
    @action(detail=True, methods=["get"], url_path="per-diem", pagination_class=None, filter_backends=[])
    def per_diem(self, request, pk=None):
        """Each day's allowance (GSA M&IE, 75 % on the first and last day, provided meals deducted), spent on meals
        and remaining, with the trip's totals in the reporting currency."""
        return Response(per_diem_json(trip_per_diem(self.get_object(), viewer=request.user)))

    @extend_schema(request=MealsProvidedSerializer, responses=PER_DIEM_RESPONSE)
    @action(detail=True, methods=["post"], url_path="meals-provided", pagination_class=None, filter_backends=[])
    def meals_provided(self, request, pk=None):
        """Say which meals were provided on one day of the trip; answers with the trip's per-diem days."""
        trip = self.get_object()
        form = MealsProvidedSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        trip_meals_provided_set(trip=trip, actor=request.user, **form.validated_data)
        return Response(per_diem_json(trip_per_diem(trip, viewer=request.user)))


class WeekdaysField(serializers.ListField):
    """ISO weekdays as a list in the API ([1, 5]); stored comma-separated."""

    def get_attribute(self, instance):
        return instance.weekday_numbers

    def to_internal_value(self, data):
        return ",".join(str(day) for day in sorted(set(super().to_internal_value(data))))


class MealTemplateSerializer(serializers.ModelSerializer):
    restaurant = serializers.PrimaryKeyRelatedField(queryset=Restaurant.objects.none(), allow_null=True, required=False)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.none(), allow_null=True, required=False)
    weekdays = WeekdaysField(
        child=serializers.IntegerField(min_value=1, max_value=7), required=False, max_length=7,
        help_text="With repeat=weekly: ISO weekdays (1 Monday … 7 Sunday).",
    )  # fmt: skip
    repeat = serializers.ChoiceField(choices=Repeat.choices, required=False, allow_blank=True)
    currency = serializers.CharField(max_length=3, required=False)

    class Meta:
        model = MealTemplate
        fields = [
            "id", "name", "amount", "currency", "restaurant", "category", "meal_type", "order_type", "party_size",
            "payment_method", "tags", "notes", "repeat", "weekdays", "day_of_month", "time_of_day", "starts_on",
            "ends_on", "is_active", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            # Someone else's restaurant or category is a 400 on that field (it is not among the choices).
            self.fields["restaurant"].queryset = restaurants_owned_by(request.user)
            self.fields["category"].queryset = categories_owned_by(request.user)


class MealTemplateViewSet(CrudViewSet):
    """Your favourites; with `repeat`, recurring meals whose occurrences wait in /meals-to-confirm/."""

    queryset = MealTemplate.objects.none()  # the model, for the schema; get_queryset() applies visibility
    serializer_class = MealTemplateSerializer
    search_fields = ["name", "notes"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name", "id"]

    def get_queryset(self):
        return meal_templates_of(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = meal_template_create(owner=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = meal_template_update(
            template=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        meal_template_delete(template=instance, actor=self.request.user)

    @extend_schema(request=None, responses={201: ExpenseSerializer}, parameters=[IDEMPOTENCY_HEADER])
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def log(self, request, pk=None):
        """One tap: log the favourite as a meal now (send an `Idempotency-Key` so a retry logs it once)."""
        template = self.get_object()

        def log_once():
            return _expense_response(request, meal_template_log(template=template, actor=request.user), self)

        return run_idempotently(request, log_once)


def _expense_response(request, expense, view, status=HTTPStatus.CREATED):
    expense = with_listed_relations([expenses_listed_for(request.user).get(pk=expense.pk)], reader=request.user)[0]
    context = {"request": request, "view": view}
    return Response(
        ExpenseSerializer(expense, context=context).data, status=status, headers={"ETag": etag_for(expense)}
    )


class PendingMealSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="template.name", read_only=True)
    amount = serializers.DecimalField(source="template.amount", max_digits=12, decimal_places=2, read_only=True)
    currency = serializers.CharField(source="template.currency", read_only=True)

    class Meta:
        model = PendingMeal
        fields = ["id", "template", "name", "amount", "currency", "occurs_on", "occurred_at", "status", "expense"]
        read_only_fields = fields


class PendingMealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Recurring meals due and waiting for you: confirm (it becomes a meal, optionally with changes) or discard."""

    queryset = PendingMeal.objects.none()  # the model, for the schema; get_queryset() applies visibility
    serializer_class = PendingMealSerializer
    ordering_fields = ["occurred_at"]
    ordering = ["occurred_at", "id"]

    def get_queryset(self):
        return pending_meals_of(self.request.user)

    @extend_schema(
        request=inline_serializer(
            "PendingMealConfirm",
            {
                "amount": serializers.DecimalField(max_digits=12, decimal_places=2, required=False),
                "occurred_at": serializers.DateTimeField(required=False),
                "notes": serializers.CharField(required=False, allow_blank=True),
            },
        ),
        responses={201: ExpenseSerializer},
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def confirm(self, request, pk=None):
        """Log the recurring meal as scheduled, or with the amount, time or notes given."""
        changes = ConfirmSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        expense = pending_meal_confirm(pending=self.get_object(), actor=request.user, **changes.validated_data)
        return _expense_response(request, expense, self)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def discard(self, request, pk=None):
        """Skip this occurrence; it is not offered again."""
        pending_meal_discard(pending=self.get_object(), actor=request.user)
        return Response(status=HTTPStatus.NO_CONTENT)


class ConfirmSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False)
    occurred_at = serializers.DateTimeField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
