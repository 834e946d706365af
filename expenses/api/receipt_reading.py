"""Receipt reading in the API: a receipt's suggested expense fields and its mismatches with the expense.

Mixed into `ReceiptViewSet` as `@action`s, so they share its visibility (`receipts_visible_to`) and routes:
GET /api/v1/receipts/{id}/prefill/ and GET .../mismatches/. A receipt not read yet is read (OCR) by the first of
them when OCR is on; the result is stored, so later calls are quick. "Accept" a mismatch is a PATCH of the expense
with the `suggested` value (If-Match as usual); "ignore" stores nothing.
"""

from django.http import HttpResponseRedirect
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from expenses.models import ReceiptReading
from expenses.ocr import ocr_enabled
from expenses.services.ocr import receipt_mismatches, receipt_prefill, receipt_read
from expenses.services.receipts import receipt_download_url, uses_presigned_urls


class MismatchSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["amount", "tax", "tip", "date", "restaurant"])
    receipt_value = serializers.CharField()
    entered_value = serializers.CharField()
    suggested = serializers.CharField(help_text="What accepting sets: PATCH the expense with it.")
    confidence = serializers.FloatField()
    message = serializers.CharField()


class PrefillSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    tax = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    tip = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    date = serializers.DateField(required=False)
    time = serializers.TimeField(required=False)
    occurred_at = serializers.DateTimeField(required=False)
    restaurant = serializers.IntegerField(required=False, source="restaurant.pk")
    restaurant_name = serializers.CharField(required=False)
    restaurant_address = serializers.CharField(required=False)
    restaurant_phone = serializers.CharField(required=False)
    confidence = serializers.DictField(child=serializers.FloatField())


def _text(value) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_once(receipt):
    """Read an unread receipt now when OCR is on; a failed engine is the caller's 502/503 problem."""
    if ocr_enabled() and not ReceiptReading.objects.filter(receipt=receipt).exists():
        receipt = receipt_read(receipt)
    return receipt


class ReceiptReadingActions:
    """`@action`s for ReceiptViewSet; each starts with `self.get_object()` (visibility, 404 for others)."""

    @extend_schema(responses={200: PrefillSerializer})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def prefill(self, request, pk=None):
        """Expense fields the receipt suggests (only those read with enough confidence).

        The first request for a receipt not read yet runs OCR (seconds) when OCR is on here, and stores the result;
        with OCR off the answer is what was stored (often nothing: `confidence` is then empty).
        """
        receipt = _read_once(self.get_object())
        return Response(PrefillSerializer(receipt_prefill(receipt)).data)

    @extend_schema(
        responses={200: inline_serializer("ReceiptMismatches", {"mismatches": MismatchSerializer(many=True)})}
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def mismatches(self, request, pk=None):
        """Where the receipt disagrees with its expense: amount (beyond ±0.01), tax, tip, date, restaurant."""
        receipt = _read_once(self.get_object())
        found = receipt_mismatches(receipt, receipt.expense)
        rows = [
            {
                "field": m.field,
                "receipt_value": _text(m.receipt_value),
                "entered_value": _text(m.entered_value),
                "suggested": _text(m.suggested),
                "confidence": m.confidence,
                "message": m.message,
            }
            for m in found
        ]
        return Response({"mismatches": rows})


def presigned_download(receipt, *, attachment_name: str, thumbnail: bool = False):
    """A redirect to a short-lived presigned URL when receipts live in S3; None for local storage (stream it)."""
    if not uses_presigned_urls(receipt):
        return None
    response = HttpResponseRedirect(receipt_download_url(receipt, attachment_name=attachment_name, thumbnail=thumbnail))
    response["Cache-Control"] = "private, no-store"
    return response
