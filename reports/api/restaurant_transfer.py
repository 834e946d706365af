"""Restaurant import and export in the API: export as CSV or JSON; upload → review rows → choose → apply."""

from http import HTTPStatus

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.api.serializers import ImportBatchSerializer, ImportUploadSerializer
from reports.models import ImportAction, ImportRow
from reports.services import restaurant_imports as services
from reports.services.exports import CONTENT_TYPES, attachment
from reports.services.restaurant_transfer import restaurants_csv, restaurants_for_export, restaurants_json

EXPORT_FORMATS = {"csv", "json"}
ROWS_PAGE_SIZE = 200


class RestaurantImportSummarySerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    to_apply = serializers.IntegerField()
    skipped = serializers.IntegerField()
    with_errors = serializers.IntegerField()
    with_duplicates = serializers.IntegerField()
    possible_matches = serializers.IntegerField()
    created = serializers.IntegerField()


class RestaurantImportBatchSerializer(ImportBatchSerializer):
    summary = RestaurantImportSummarySerializer(read_only=True)

    class Meta(ImportBatchSerializer.Meta):
        fields = [*ImportBatchSerializer.Meta.fields, "summary"]
        read_only_fields = fields


class RestaurantImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    matched = serializers.IntegerField(help_text="Rows whose restaurant was already saved (nothing added).")
    skipped = serializers.IntegerField()
    failed = serializers.IntegerField()


class RestaurantImportApplySerializer(RestaurantImportBatchSerializer):
    result = RestaurantImportResultSerializer(read_only=True)

    class Meta(RestaurantImportBatchSerializer.Meta):
        fields = [*RestaurantImportBatchSerializer.Meta.fields, "result"]
        read_only_fields = fields


class RestaurantImportRowSerializer(serializers.ModelSerializer):
    duplicate_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Your restaurant it repeats (0: an earlier line of the file)."
    )
    restaurant = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Your restaurant it matched at review, if any."
    )

    class Meta:
        model = ImportRow
        fields = ["id", "line_number", "raw", "values", "errors", "duplicate_ids", "restaurant", "action"]
        read_only_fields = fields


class RestaurantImportRowPageSerializer(serializers.Serializer):
    results = RestaurantImportRowSerializer(many=True)
    next_after = serializers.IntegerField(allow_null=True)


class RestaurantImportRowChoiceSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ImportAction.choices)


def _body(batch, **extra) -> dict:
    return {**ImportBatchSerializer(batch).data, "summary": services.restaurant_import_summary(batch), **extra}


class RestaurantExportView(APIView):
    """GET /api/v1/exports/restaurants.<csv|json> — every restaurant of the caller, in the import's format."""

    @extend_schema(
        operation_id="exports_restaurants",
        description="`file_format`: csv or json (`{kind, schema_version, restaurants: [...]}`).",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
        },
    )
    def get(self, request, file_format: str):
        if file_format not in EXPORT_FORMATS:
            raise Http404
        restaurants = restaurants_for_export(request.user)
        if file_format == "csv":
            response = StreamingHttpResponse(restaurants_csv(restaurants.iterator()), content_type=CONTENT_TYPES["csv"])
        else:
            response = HttpResponse(restaurants_json(restaurants), content_type=CONTENT_TYPES["json"])
        return attachment(response, "restaurants", file_format)


class RestaurantImportListView(APIView):
    """GET own restaurant imports; POST a CSV, XLSX or JSON file as `file` to start a review."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(operation_id="restaurant_imports_list", responses=RestaurantImportBatchSerializer(many=True))
    def get(self, request):
        batches = services.restaurant_import_batches_of(request.user)[:50]
        return Response([_body(batch) for batch in batches])

    @extend_schema(
        operation_id="restaurant_imports_create",
        request=ImportUploadSerializer,
        responses={201: RestaurantImportBatchSerializer},
    )
    def post(self, request):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        batch = services.restaurant_import_batch_create(owner=request.user, filename=file.name, payload=file.read())
        return Response(_body(batch), status=HTTPStatus.CREATED)


class RestaurantImportDetailView(APIView):
    """GET a restaurant import with its summary; DELETE discards it while in review."""

    @extend_schema(operation_id="restaurant_imports_retrieve", responses=RestaurantImportBatchSerializer)
    def get(self, request, pk):
        return Response(_body(services.restaurant_import_batch_get(user=request.user, pk=pk)))

    @extend_schema(operation_id="restaurant_imports_destroy", responses={204: None})
    def delete(self, request, pk):
        services.restaurant_import_batch_discard(batch=services.restaurant_import_batch_get(user=request.user, pk=pk))
        return Response(status=HTTPStatus.NO_CONTENT)


class RestaurantImportRowListView(APIView):
    """GET /api/v1/restaurant-imports/<id>/rows/?after=<line> — 200 rows a page, in file order."""

    @extend_schema(operation_id="restaurant_imports_rows_list", responses=RestaurantImportRowPageSerializer)
    def get(self, request, pk):
        batch = services.restaurant_import_batch_get(user=request.user, pk=pk)
        rows = batch.rows.order_by("line_number")
        after = request.query_params.get("after", "")
        if after.isdigit():
            rows = rows.filter(line_number__gt=int(after))
        page = list(rows[: ROWS_PAGE_SIZE + 1])
        next_after = page[ROWS_PAGE_SIZE - 1].line_number if len(page) > ROWS_PAGE_SIZE else None
        results = RestaurantImportRowSerializer(page[:ROWS_PAGE_SIZE], many=True).data
        return Response({"results": results, "next_after": next_after})


class RestaurantImportRowDetailView(APIView):
    """PATCH a row with {"action": "apply"|"skip"}."""

    @extend_schema(
        operation_id="restaurant_imports_rows_partial_update",
        request=RestaurantImportRowChoiceSerializer,
        responses=RestaurantImportRowSerializer,
    )
    def patch(self, request, pk, row_pk):
        batch = services.restaurant_import_batch_get(user=request.user, pk=pk)
        row = get_object_or_404(batch.rows.select_related("batch"), pk=row_pk)
        choice = RestaurantImportRowChoiceSerializer(data=request.data)
        choice.is_valid(raise_exception=True)
        row = services.restaurant_import_row_choose(row=row, action=choice.validated_data["action"])
        return Response(RestaurantImportRowSerializer(row).data)


class RestaurantImportApplyView(APIView):
    """POST — every chosen row's restaurant or none; a 400 lists the failures by line."""

    @extend_schema(operation_id="restaurant_imports_apply", request=None, responses=RestaurantImportApplySerializer)
    def post(self, request, pk):
        batch = services.restaurant_import_batch_get(user=request.user, pk=pk)
        result = services.restaurant_import_batch_apply(batch=batch, actor=request.user)
        return Response(_body(batch, result=result))
