"""Guided import API: upload → review rows (match, duplicates, errors) → edit or skip rows → apply."""

from http import HTTPStatus

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.api.serializers import (
    ImportApplySerializer,
    ImportBatchDetailSerializer,
    ImportBatchListSerializer,
    ImportBatchSerializer,
    ImportRowPageSerializer,
    ImportRowSerializer,
    ImportRowUpdateSerializer,
    ImportUploadSerializer,
)
from reports.services import imports as services

ROWS_PAGE_SIZE = 200


def _batch_body(batch) -> dict:
    return {**ImportBatchSerializer(batch).data, "summary": services.import_summary(batch)}


class ImportListView(APIView):
    """GET /api/v1/imports/ (own batches); POST a CSV, XLSX or JSON file as `file` to start a review."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(operation_id="imports_list", responses=ImportBatchListSerializer)
    def get(self, request):
        batches = services.import_batches_of(request.user)[:50]
        return Response({"results": ImportBatchSerializer(batches, many=True).data})

    @extend_schema(
        operation_id="imports_create", request=ImportUploadSerializer, responses={201: ImportBatchDetailSerializer}
    )
    def post(self, request):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        batch = services.import_batch_create(owner=request.user, filename=file.name, payload=file.read())
        return Response(_batch_body(batch), status=HTTPStatus.CREATED)


class ImportDetailView(APIView):
    """GET /api/v1/imports/<id>/ with its summary; DELETE discards a review."""

    @extend_schema(operation_id="imports_retrieve", responses=ImportBatchDetailSerializer)
    def get(self, request, pk):
        return Response(_batch_body(services.import_batch_get(user=request.user, pk=pk)))

    @extend_schema(operation_id="imports_destroy", responses={204: None})
    def delete(self, request, pk):
        services.import_batch_discard(batch=services.import_batch_get(user=request.user, pk=pk))
        return Response(status=HTTPStatus.NO_CONTENT)


class ImportRowListView(APIView):
    """GET /api/v1/imports/<id>/rows/?show=errors|warnings|duplicates|apply|skip&after=<line> — 200 rows a page."""

    @extend_schema(
        operation_id="imports_rows_list",
        parameters=[
            OpenApiParameter("show", OpenApiTypes.STR, enum=["errors", "warnings", "duplicates", "apply", "skip"]),
            OpenApiParameter("after", OpenApiTypes.INT, description="line number to continue after"),
        ],
        responses=ImportRowPageSerializer,
    )
    def get(self, request, pk):
        batch = services.import_batch_get(user=request.user, pk=pk)
        page, next_after = services.import_rows_page(
            batch,
            show=request.query_params.get("show") or "",
            after=request.query_params.get("after", ""),
            size=ROWS_PAGE_SIZE,
        )
        return Response({"results": ImportRowSerializer(page, many=True).data, "next_after": next_after})


class ImportRowDetailView(APIView):
    """PATCH /api/v1/imports/<id>/rows/<row id>/ with {"action": "apply"|"skip", "values": {column: text}}."""

    @extend_schema(
        operation_id="imports_rows_partial_update", request=ImportRowUpdateSerializer, responses=ImportRowSerializer
    )
    def patch(self, request, pk, row_pk):
        batch = services.import_batch_get(user=request.user, pk=pk)
        row = get_object_or_404(batch.rows.select_related("batch__owner"), pk=row_pk)
        data = ImportRowUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.import_row_update(row=row, **data.validated_data)
        return Response(ImportRowSerializer(row).data)


class ImportApplyView(APIView):
    """POST /api/v1/imports/<id>/apply/ — all chosen rows or none; 400 lists failures by line."""

    @extend_schema(operation_id="imports_apply", request=None, responses=ImportApplySerializer)
    def post(self, request, pk):
        batch = services.import_batch_get(user=request.user, pk=pk)
        result = services.import_batch_apply(batch=batch, actor=request.user)
        return Response({**_batch_body(batch), "result": result})
