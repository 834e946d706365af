"""Request validation and JSON shapes of the reports API (money as decimal strings)."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Team
from accounts.selectors import teams_managed_by
from expenses.choices import ExpenseStatus, MealType, OrderType
from expenses.models import Category, MealPolicy, PolicyBasis, PolicyFlag
from expenses.selectors import categories_owned_by
from mealtracker.serialization import json_value
from reports.models import Budget, BudgetPeriod, ImportAction, ImportBatch, ImportRow, Notice
from reports.selectors import PERIODS, Basis, Report, ReportFilters, Scope


@extend_schema_field(OpenApiTypes.STR)
class CommaSeparatedField(serializers.Field):
    """`?meal_type=lunch,dinner` or a repeated parameter, as a tuple of cleaned values."""

    def __init__(self, child=None, **kwargs):
        self.child = child or serializers.CharField()
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist"):
            values = [part for raw in dictionary.getlist(self.field_name) for part in raw.split(",")]
            return [v.strip() for v in values if v.strip()] or serializers.empty
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        values = data if isinstance(data, list) else [data]
        return tuple(self.child.run_validation(value) for value in values)

    def to_representation(self, value):
        return list(value)


class ReportQuerySerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=Scope.ALL, default=Scope.MINE)
    basis = serializers.ChoiceField(
        choices=Basis.choices,
        default=Basis.PAID,
        help_text="paid: what was paid; share: my share of my meals (split meals and meals others paid), scope mine.",
    )
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    team = serializers.IntegerField(required=False, min_value=1)
    owner = CommaSeparatedField(serializers.IntegerField(min_value=1))
    category = CommaSeparatedField(serializers.IntegerField(min_value=1))
    restaurant = CommaSeparatedField(serializers.IntegerField(min_value=1))
    meal_type = CommaSeparatedField(serializers.ChoiceField(choices=MealType.choices))
    order_type = CommaSeparatedField(serializers.ChoiceField(choices=OrderType.choices))
    status = CommaSeparatedField(serializers.ChoiceField(choices=ExpenseStatus.choices))
    tag = CommaSeparatedField(serializers.CharField(max_length=50))
    trip = CommaSeparatedField(serializers.IntegerField(min_value=1))
    ids = CommaSeparatedField(
        serializers.IntegerField(min_value=1),
        help_text="Expense ids (ticked in the list): just these; ids you cannot see match nothing.",
    )
    is_business = serializers.BooleanField(required=False, allow_null=True, default=None)
    # Options of single reports
    period = serializers.ChoiceField(choices=list(PERIODS), default="month")
    by = serializers.CharField(required=False, max_length=20)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=10)

    def to_filters(self) -> ReportFilters:
        data = self.validated_data
        return ReportFilters(
            scope=data["scope"],
            basis=data["basis"],
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            team=data.get("team"),
            owners=data.get("owner", ()),
            categories=data.get("category", ()),
            restaurants=data.get("restaurant", ()),
            meal_types=data.get("meal_type", ()),
            order_types=data.get("order_type", ()),
            statuses=data.get("status", ()),
            tags=data.get("tag", ()),
            is_business=data.get("is_business"),
            trips=data.get("trip", ()),
            ids=data.get("ids", ()),
        )

    def options_for(self, kind: str) -> dict:
        data = self.validated_data
        if kind == "totals":
            return {"period": data["period"]}
        if kind == "breakdown":
            return {"by": data.get("by") or "category"}
        if kind == "top-restaurants":
            return {"by": data.get("by") or "spend", "limit": data["limit"]}
        if kind == "attendees":
            return {"by": data.get("by") or "company"}
        if kind == "tip-trend":
            return {"period": data["period"]}
        return {}


def report_to_json(report: Report) -> dict:
    return {
        "kind": report.kind,
        "title": report.title,
        "scope": report.filters.scope,
        "date_from": report.date_from.isoformat(),
        "date_to": report.date_to.isoformat(),
        "timezone": report.timezone,
        "currency": report.currency,
        "options": {key: json_value(value) for key, value in report.meta.items()},
        "columns": [{"key": c.key, "label": c.label, "type": c.kind} for c in report.columns],
        "rows": [{key: json_value(value) for key, value in row.items()} for row in report.rows],
    }


class BudgetInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.none(), required=False, allow_null=True)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.none(), required=False, allow_null=True)
    period = serializers.ChoiceField(choices=BudgetPeriod.choices, required=False)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.CharField(max_length=3, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            # Foreign keys come from the caller's own objects, so someone else's team or category is a 400.
            self.fields["team"].queryset = teams_managed_by(user)
            self.fields["category"].queryset = categories_owned_by(user)


class BudgetProgressSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    spent = serializers.DecimalField(max_digits=14, decimal_places=2)
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2)
    percent_used = serializers.DecimalField(max_digits=8, decimal_places=1)
    projected = serializers.DecimalField(max_digits=14, decimal_places=2)
    projected_percent = serializers.DecimalField(max_digits=8, decimal_places=1)
    status = serializers.CharField(help_text="ok, projected_over, warning (80 % used) or over (100 %)")


class BudgetSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Budget
        fields = ["id", "name", "user", "team", "category", "period", "amount", "currency", "progress", "created_at"]
        read_only_fields = fields

    @extend_schema_field(BudgetProgressSerializer(allow_null=True))
    def get_progress(self, budget) -> dict | None:
        progress = self.context.get("progress", {}).get(budget.pk)
        if progress is None:
            return None
        return {key: json_value(value) for key, value in progress.__dict__.items()}


class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = ["id", "message", "created_at", "read_at"]
        read_only_fields = fields


class MealPolicyInputSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.none())
    meal_type = serializers.ChoiceField(choices=MealType.choices)
    max_per_person = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.CharField(max_length=3, required=False)
    basis = serializers.ChoiceField(
        choices=PolicyBasis.choices,
        default=PolicyBasis.SUBTOTAL,
        help_text="subtotal: the limit applies to the bill before tax and tip (default); total: tax and tip included.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["team"].queryset = teams_managed_by(user)


class MealPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = MealPolicy
        fields = ["id", "team", "meal_type", "max_per_person", "currency", "basis", "created_at", "updated_at"]
        read_only_fields = fields


class PolicyFlagSerializer(serializers.ModelSerializer):
    owner = serializers.EmailField(source="expense.owner.email")
    status = serializers.CharField(source="expense.status")
    occurred_at = serializers.DateTimeField(source="expense.occurred_at")
    meal_type = serializers.CharField(source="expense.meal_type")

    class Meta:
        model = PolicyFlag
        fields = ["expense", "owner", "status", "occurred_at", "meal_type", "basis", "per_person",
                  "limit_per_person", "over_by", "created_at"]  # fmt: skip
        read_only_fields = fields


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class RestaurantMatchSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    create = serializers.BooleanField()


class ImportRowSerializer(serializers.ModelSerializer):
    restaurant_match = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField(
        help_text="What was read differently from the file (e.g. a country not in ISO 3166); the row can still "
        "be imported."
    )

    class Meta:
        model = ImportRow
        fields = ["id", "line_number", "raw", "values", "errors", "warnings", "restaurant_match", "duplicate_ids",
                  "action", "expense"]  # fmt: skip
        read_only_fields = fields

    def get_warnings(self, row) -> list[str]:
        return list((row.values or {}).get("warnings", []))

    @extend_schema_field(RestaurantMatchSerializer)
    def get_restaurant_match(self, row) -> dict:
        if row.restaurant_id:
            return {"id": row.restaurant_id, "name": row.restaurant.name, "create": False}
        name = (row.values or {}).get("restaurant_name")
        return {"id": None, "name": name or None, "create": bool(name)}


class ImportRowUpdateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ImportAction.choices, required=False)
    values = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)


class ImportBatchSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="review, applied or discarded")

    class Meta:
        model = ImportBatch
        fields = ["id", "source_name", "file_format", "status", "row_count", "created_count", "created_at",
                  "applied_at"]  # fmt: skip
        read_only_fields = fields


# --- Response shapes (for the OpenAPI schema) -------------------------------------------------------------


class ReportIndexSerializer(serializers.Serializer):
    reports = serializers.ListField(child=serializers.CharField())


class ReportColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    type = serializers.ChoiceField(choices=["text", "money", "int", "percent", "date"])


class ReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    scope = serializers.CharField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    timezone = serializers.CharField()
    currency = serializers.CharField()
    options = serializers.DictField()
    columns = ReportColumnSerializer(many=True)
    rows = serializers.ListField(child=serializers.DictField(), help_text="One object per row, keyed by column key.")


class BudgetListSerializer(serializers.Serializer):
    results = BudgetSerializer(many=True)


class NoticeListSerializer(serializers.Serializer):
    results = NoticeSerializer(many=True)


class MealPolicyListSerializer(serializers.Serializer):
    results = MealPolicySerializer(many=True)


class PolicyFlagListSerializer(serializers.Serializer):
    results = PolicyFlagSerializer(many=True)


class ImportSummarySerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    to_apply = serializers.IntegerField()
    skipped = serializers.IntegerField()
    with_errors = serializers.IntegerField()
    with_warnings = serializers.IntegerField()
    with_duplicates = serializers.IntegerField()
    imported = serializers.IntegerField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    skipped = serializers.IntegerField()
    failed = serializers.IntegerField()


class ImportBatchDetailSerializer(ImportBatchSerializer):
    summary = ImportSummarySerializer()

    class Meta(ImportBatchSerializer.Meta):
        fields = [*ImportBatchSerializer.Meta.fields, "summary"]


class ImportApplySerializer(ImportBatchDetailSerializer):
    result = ImportResultSerializer()

    class Meta(ImportBatchDetailSerializer.Meta):
        fields = [*ImportBatchDetailSerializer.Meta.fields, "result"]


class ImportBatchListSerializer(serializers.Serializer):
    results = ImportBatchSerializer(many=True)


class ImportRowPageSerializer(serializers.Serializer):
    results = ImportRowSerializer(many=True)
    next_after = serializers.IntegerField(allow_null=True, help_text="Pass as `after` for the next page.")
