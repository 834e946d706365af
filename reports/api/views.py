"""Reports API: thin views that validate the query, call one selector and serialize the result."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from mealtracker.report_cache import cached_figures
from reports.api.serializers import ReportIndexSerializer, ReportQuerySerializer, ReportSerializer, report_to_json
from reports.selectors import REPORTS, build_report


def parse_report_query(request, kind: str):
    if kind not in REPORTS:
        raise Http404
    query = ReportQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.to_filters(), query.options_for(kind)


class ReportView(APIView):
    """GET /api/v1/reports/<kind>/ — one report as columns and rows in the reporting currency."""

    @extend_schema(operation_id="reports_retrieve", parameters=[ReportQuerySerializer], responses=ReportSerializer)
    def get(self, request, kind: str):
        filters, options = parse_report_query(request, kind)
        report = cached_figures(
            request.user,
            f"report:{kind}",
            (filters, sorted(options.items())),
            lambda: build_report(kind, request.user, filters, **options),
        )
        return Response(report_to_json(report))


class ReportIndexView(APIView):
    """GET /api/v1/reports/ — the available reports."""

    @extend_schema(operation_id="reports_list", responses=ReportIndexSerializer)
    def get(self, request):
        return Response({"reports": sorted(REPORTS)})
