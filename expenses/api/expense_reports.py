"""The API of expense reports and reimbursement batches: thin views over the report services and selectors."""

from http import HTTPStatus

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from expenses.api.serializers import ApprovalEventSerializer
from expenses.approval_chain import approval_chain
from expenses.models import ExpenseReport, ReimbursementBatch, ReportBundle
from expenses.report_selectors import (
    batch_payout_csv_response,
    batches_listed_for,
    report_bundle_latest,
    report_lines,
    report_totals,
    reports_listed_for,
)
from expenses.services import batches as batch_services
from expenses.services import expense_reports as report_services
from expenses.services import report_bundles
from expenses.trip_selectors import trips_owned_by
from mealtracker.api.idempotency import run_idempotently
from mealtracker.errors import NotAllowed, NotFound

SCOPE = OpenApiParameter(
    "scope", OpenApiTypes.STR, enum=["mine", "team"],
    description="`mine` (default): your reports; `team`: every report you may read (approvers, finance, auditors).",
)  # fmt: skip
PART = OpenApiParameter("part", OpenApiTypes.STR, enum=["pdf", "zip"], description="Which file of the bundle.")


class ChainStepSerializer(serializers.Serializer):
    label = serializers.CharField()
    state = serializers.CharField()
    actor = serializers.SerializerMethodField()
    on_behalf_of = serializers.SerializerMethodField()
    decided_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField()

    def get_actor(self, step) -> str | None:
        return step.actor.email if step.actor else None

    def get_on_behalf_of(self, step) -> str | None:
        return step.on_behalf_of.email if step.on_behalf_of else None


class ReportLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    occurred_at = serializers.DateTimeField()
    restaurant = serializers.CharField(source="restaurant.name", default=None)
    category = serializers.CharField(source="category.name", default=None)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    reporting_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    status = serializers.CharField()
    business_purpose = serializers.CharField()
    over_policy_by = serializers.SerializerMethodField()
    chain = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    def get_over_policy_by(self, expense) -> str | None:
        flag = getattr(expense, "policy_flag", None)
        return str(flag.over_by) if flag else None

    def get_chain(self, expense) -> list[dict]:
        return ChainStepSerializer(approval_chain(expense, expense.listed_events), many=True).data

    def get_events(self, expense) -> list[dict]:
        return ApprovalEventSerializer(expense.listed_events, many=True).data


class ExpenseReportSerializer(serializers.ModelSerializer):
    owner = serializers.EmailField(source="owner.email", read_only=True)
    expenses = serializers.ListField(
        child=serializers.IntegerField(), write_only=True, required=False, help_text="Meals of a selection."
    )
    line_count = serializers.IntegerField(read_only=True, default=None)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, default=None)

    class Meta:
        model = ExpenseReport
        fields = [
            "id", "owner", "title", "purpose", "basis", "period_start", "period_end", "trip", "expenses", "status",
            "submitted_at", "version", "line_count", "total", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["status", "submitted_at", "version", "created_at", "updated_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            self.fields["trip"].queryset = trips_owned_by(request.user)


class ReportDetailSerializer(ExpenseReportSerializer):
    lines = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()

    class Meta(ExpenseReportSerializer.Meta):
        fields = [*ExpenseReportSerializer.Meta.fields, "lines", "totals"]

    def get_lines(self, report) -> list[dict]:
        return ReportLineSerializer(report_lines(report), many=True).data

    def get_totals(self, report) -> dict:
        totals = report_totals(report)
        return serializers.JSONField().to_representation(_plain(totals))


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if hasattr(value, "as_tuple"):  # Decimal: money as a string
        return str(value)
    return value


class LinesSerializer(serializers.Serializer):
    expenses = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=1000)


class ReportApproveSerializer(serializers.Serializer):
    expenses = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Only these lines (default: every line you decide)."
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RejectLineSerializer(serializers.Serializer):
    expense = serializers.IntegerField()
    comment = serializers.CharField(max_length=2000, help_text="Why the line is rejected (required).")


class SubmitSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class BundleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportBundle
        fields = ["id", "status", "pdf_size", "zip_size", "error", "created_at", "finished_at"]


@extend_schema_view(list=extend_schema(parameters=[SCOPE]))
class ExpenseReportViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Expense reports: yours, or with `?scope=team` those you approve, pay or audit. Lines are business meals."""

    queryset = ExpenseReport.objects.none()
    serializer_class = ExpenseReportSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        scope = self.request.query_params.get("scope") if self.action == "list" else "team"
        return reports_listed_for(self.request.user, scope=scope or "mine")

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ExpenseReportSerializer

    def _respond(self, report, status=HTTPStatus.OK):
        report = self.get_queryset().get(pk=report.pk)
        return Response(ReportDetailSerializer(report, context=self.get_serializer_context()).data, status=status)

    def create(self, request, *args, **kwargs):
        def create_once():
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            report = report_services.report_create(
                owner=request.user,
                title=data.get("title", ""),
                purpose=data.get("purpose", ""),
                basis=data.get("basis", "selection"),
                period_start=data.get("period_start"),
                period_end=data.get("period_end"),
                trip=data.get("trip"),
                expense_ids=data.get("expenses", []),
            )
            return self._respond(report, status=HTTPStatus.CREATED)

        return run_idempotently(request, create_once)

    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        serializer = self.get_serializer(report, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = report_services.report_describe(
            report=report, actor=request.user, title=data.get("title"), purpose=data.get("purpose")
        )
        return self._respond(report)

    def destroy(self, request, *args, **kwargs):
        report_services.report_delete(report=self.get_object(), actor=request.user)
        return Response(status=HTTPStatus.NO_CONTENT)

    @extend_schema(request=SubmitSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit every draft or rejected line; each meal's rules (purpose, substantiation, policy) apply."""
        form = SubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = report_services.report_submit(report=self.get_object(), actor=request.user, **form.validated_data)
        return self._respond(report)

    @extend_schema(request=ReportApproveSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the lines waiting for you (or the ones listed in `expenses`)."""
        form = ReportApproveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = report_services.report_approve(
            report=self.get_object(),
            actor=request.user,
            expense_ids=form.validated_data.get("expenses"),
            comment=form.validated_data["comment"],
        )
        return self._respond(report)

    @extend_schema(request=RejectLineSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="reject-line")
    def reject_line(self, request, pk=None):
        """Reject one line with the reason the owner reads."""
        form = RejectLineSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = report_services.report_reject_line(
            report=self.get_object(),
            actor=request.user,
            expense_id=form.validated_data["expense"],
            comment=form.validated_data["comment"],
        )
        return self._respond(report)

    @extend_schema(request=LinesSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="add-lines")
    def add_lines(self, request, pk=None):
        """Add your business meals (drafts or rejected, in no other report) to the report."""
        form = LinesSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = report_services.report_lines_add(
            report=self.get_object(), actor=request.user, expense_ids=form.validated_data["expenses"]
        )
        return self._respond(report)

    @extend_schema(request=LinesSerializer, responses=ReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="remove-lines")
    def remove_lines(self, request, pk=None):
        """Take meals not yet sent out of the report."""
        form = LinesSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = report_services.report_lines_remove(
            report=self.get_object(), actor=request.user, expense_ids=form.validated_data["expenses"]
        )
        return self._respond(report)

    @extend_schema(request=None, responses={200: BundleSerializer, 201: BundleSerializer, 202: BundleSerializer})
    @action(detail=True, methods=["get", "post"])
    def bundle(self, request, pk=None):
        """GET: the latest bundle's state. POST: build a new bundle (PDF + ZIP); small reports are ready in the
        answer (201), larger ones answer 202 and are built by a job: poll GET until `status` is `ready`."""
        report = self.get_object()
        if request.method == "GET":
            bundle = report_bundle_latest(report)
            if bundle is None:
                raise NotFound("This report has no bundle yet: POST to build one.", code="no_bundle")
            return Response(BundleSerializer(bundle).data)
        bundle = report_bundles.bundle_request(report=report, actor=request.user)
        status = HTTPStatus.CREATED if bundle.status != "pending" else HTTPStatus.ACCEPTED
        return Response(BundleSerializer(bundle).data, status=status)

    @extend_schema(parameters=[PART], responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="bundle/download")
    def bundle_download(self, request, pk=None):
        """The ready bundle's PDF or ZIP, streamed."""
        report = self.get_object()
        bundle = report_bundle_latest(report)
        part = request.query_params.get("part", "zip")
        if bundle is None:
            bundle = ReportBundle(report=report)
        handle, name = report_bundles.bundle_file(bundle, part)
        content_type = "application/pdf" if part == "pdf" else "application/zip"
        return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


class BatchSerializer(serializers.ModelSerializer):
    created_by = serializers.EmailField(source="created_by.email", read_only=True)
    paid_by = serializers.EmailField(source="paid_by.email", read_only=True, default=None, allow_null=True)
    expenses = serializers.ListField(child=serializers.IntegerField(), write_only=True, required=False)
    reports = serializers.ListField(child=serializers.IntegerField(), write_only=True, required=False)
    expense_count = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, default=None, allow_null=True)

    class Meta:
        model = ReimbursementBatch
        fields = [
            "id", "reference", "payout_date", "status", "created_by", "paid_at", "paid_by", "expenses", "reports",
            "expense_count", "total", "created_at",
        ]  # fmt: skip
        read_only_fields = ["status", "paid_at", "created_at"]


class ReimbursementBatchViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Finance: approved meals paid together. Creating one takes meals (or reports); `pay` reimburses each."""

    queryset = ReimbursementBatch.objects.none()
    serializer_class = BatchSerializer

    def get_queryset(self):
        return batches_listed_for(self.request.user)

    def _respond(self, batch, status=HTTPStatus.OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=batch.pk)).data, status=status)

    def create(self, request, *args, **kwargs):
        def create_once():
            if not batch_services.can_manage_batches(request.user):
                raise NotAllowed("Only finance creates reimbursement batches.")
            serializer = self.get_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            batch = batch_services.batch_create(
                actor=request.user,
                reference=data["reference"],
                payout_date=data["payout_date"],
                expense_ids=data.get("expenses", []),
                report_ids=data.get("reports", []),
            )
            return self._respond(batch, status=HTTPStatus.CREATED)

        return run_idempotently(request, create_once)

    @extend_schema(request=None, responses=BatchSerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        """Mark the batch paid: each of its meals becomes reimbursed, recorded in its approval trail."""
        return self._respond(batch_services.batch_mark_paid(batch=self.get_object(), actor=request.user))

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"], url_path="payout-csv")
    def payout_csv(self, request, pk=None):
        """The payout file: one line per person paid, with the amount, currency and the batch's reference."""
        batch = self.get_object()
        return batch_payout_csv_response(batch)
