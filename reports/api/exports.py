"""Downloads: the filtered expense list and every report, streamed (docs/reports.md lists the formats)."""

from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from reports.api.serializers import ReportQuerySerializer
from reports.api.views import parse_report_query
from reports.selectors import build_report, exported_expenses
from reports.services import exports, report_exports
from reports.services.backups import user_data_export

EXPENSE_FORMATS = {"csv", "xlsx", "pdf", "json"}
REPORT_FORMATS = {"csv", "xlsx", "pdf"}
FILE_MEDIA_TYPES = ("text/csv", exports.CONTENT_TYPES["xlsx"], "application/pdf", "application/octet-stream")


class ExpenseExportView(APIView):
    """GET /api/v1/exports/expenses.<csv|xlsx|pdf|json>?scope=&date_from=&... — all matching expenses."""

    @extend_schema(
        operation_id="exports_expenses",
        parameters=[ReportQuerySerializer],
        description="`file_format`: csv, xlsx, pdf or json (the JSON is `{kind, schema_version, expenses: [...]}`).",
        responses={(200, media): OpenApiResponse(OpenApiTypes.BINARY) for media in FILE_MEDIA_TYPES},
    )
    def get(self, request, file_format: str):
        if file_format not in EXPENSE_FORMATS:
            raise Http404
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        filters = query.to_filters()
        expenses = exported_expenses(request.user, filters)
        return exports.expenses_response(expenses, file_format, viewer=request.user, filters=filters)


class ReportExportView(APIView):
    """GET /api/v1/exports/reports/<kind>.<csv|xlsx|pdf> — the same query parameters as the report."""

    @extend_schema(
        operation_id="exports_reports",
        parameters=[ReportQuerySerializer],
        description="`file_format`: csv, xlsx or pdf; the report's columns, in the reporting currency.",
        responses={(200, media): OpenApiResponse(OpenApiTypes.BINARY) for media in FILE_MEDIA_TYPES[:3]},
    )
    def get(self, request, kind: str, file_format: str):
        if file_format not in REPORT_FORMATS:
            raise Http404
        filters, options = parse_report_query(request, kind)
        report = build_report(kind, request.user, filters, **options)
        return report_exports.report_response(report, file_format, viewer=request.user)


class SummaryExportView(APIView):
    """GET /api/v1/exports/summary.pdf — the Reports page's figures as a PDF, for the same query parameters."""

    @extend_schema(
        operation_id="exports_summary",
        parameters=[ReportQuerySerializer],
        description="The headline figures against the previous period, spending per `period`, by category, the "
        "top restaurants by spend and by visits, by meal type, weekday and hour; with the filters printed.",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request):
        query = ReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        period = query.options_for("totals").get("period", "month")
        return report_exports.summary_response(request.user, query.to_filters(), period=period)


class MyDataExportView(APIView):
    """GET /api/v1/exports/my-data/ — "download my data": the caller's full backup as JSON."""

    @extend_schema(operation_id="exports_my_data", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        response = HttpResponse(user_data_export(request.user), content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="my-meal-data-{timezone.now():%Y%m%d}.json"'
        response["Cache-Control"] = "no-store"
        return response
