"""The merchant catalogue's files in the API (admins only): export with restaurant links, import all or nothing."""

import dataclasses

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.api.serializers import ImportUploadSerializer
from reports.merchant_views import merchants_download
from reports.services.merchant_transfer import merchants_import


class IsAdminRole(BasePermission):
    """Signed in as an admin: the merchant catalogue is written by admins only."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_admin)


class MerchantExportView(APIView):
    """GET /api/v1/exports/merchants.<csv|json> — the merchant catalogue with its restaurant links (admins)."""

    permission_classes = [IsAdminRole]

    @extend_schema(
        operation_id="exports_merchants",
        description="`file_format`: csv (a line per merchant and linked restaurant) or json "
        "(`{kind, schema_version, merchants: [{..., restaurants: [...]}]}`). Admins only.",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "application/json"): OpenApiResponse(OpenApiTypes.OBJECT),
        },
    )
    def get(self, request, file_format: str):
        return merchants_download(file_format)


class MerchantImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    linked = serializers.IntegerField()
    not_found = serializers.ListField(child=serializers.CharField(), help_text="Links whose restaurant is not here.")


class MerchantImportView(APIView):
    """POST /api/v1/merchant-imports/ with `file` (CSV or JSON): merchants and links, all or nothing (admins)."""

    permission_classes = [IsAdminRole]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(operation_id="merchant_imports_create", request=ImportUploadSerializer,
                   responses={200: MerchantImportResultSerializer})  # fmt: skip
    def post(self, request):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        result = merchants_import(actor=request.user, filename=file.name, payload=file.read())
        return Response(MerchantImportResultSerializer(dataclasses.asdict(result)).data)
