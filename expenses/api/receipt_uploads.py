"""Receipts larger than a Lambda request: a presigned POST to S3, then the upload's confirmation."""

from http import HTTPStatus

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from expenses.api.serializers import ReceiptUploadSerializer
from expenses.selectors import expenses_visible_to
from expenses.services.receipt_uploads import DECLARED_TYPES, receipt_upload_begin, receipt_upload_complete
from mealtracker.api.idempotency import run_idempotently


@extend_schema_field(OpenApiTypes.INT)
class _ExpenseField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return expenses_visible_to(self.context["request"].user)


class UploadRequestSerializer(serializers.Serializer):
    expense = _ExpenseField(help_text="The expense the receipt is for.")
    content_type = serializers.ChoiceField(choices=sorted(DECLARED_TYPES), help_text="The file's type.")
    size = serializers.IntegerField(min_value=1, help_text="The file's size in bytes.")


class PresignedPostSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="POST the form here (multipart/form-data), the file last, as `file`.")
    fields = serializers.DictField(child=serializers.CharField(), help_text="Form fields to send as they are.")
    key = serializers.CharField(help_text="Give it to the confirmation once S3 has answered 204.")
    max_bytes = serializers.IntegerField(help_text="The largest file S3 will take (RECEIPT_MAX_BYTES).")
    expires_in = serializers.IntegerField(help_text="Seconds the form stays valid.")


class UploadCompleteSerializer(serializers.Serializer):
    expense = _ExpenseField()
    key = serializers.CharField(max_length=512)
    original_name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ReceiptUploadStart(APIView):
    """Step 1 of a direct upload: a presigned POST bounded to this file's type and the receipt size limit."""

    @extend_schema(request=UploadRequestSerializer, responses={201: PresignedPostSerializer})
    def post(self, request):
        serializer = UploadRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        form = receipt_upload_begin(actor=request.user, **serializer.validated_data)
        return Response(PresignedPostSerializer(form).data, status=HTTPStatus.CREATED)


class ReceiptUploadComplete(APIView):
    """Step 2: the object S3 took is checked (size, real type), stored as a receipt, and the staging copy deleted."""

    @extend_schema(request=UploadCompleteSerializer, responses={201: ReceiptUploadSerializer})
    def post(self, request):
        return run_idempotently(request, lambda: self._complete(request))

    def _complete(self, request):
        serializer = UploadCompleteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        receipt = receipt_upload_complete(actor=request.user, **serializer.validated_data)
        answer = ReceiptUploadSerializer(receipt, context={"request": request})
        return Response(answer.data, status=HTTPStatus.CREATED)
