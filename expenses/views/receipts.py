"""Receipt pages: download (presigned on S3), pre-fill from a photo on the add-meal form, read now, mismatches."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from expenses.forms import ReceiptForm
from expenses.ocr import ocr_enabled, ocr_unavailable_reason
from expenses.permissions import can_edit_expense
from expenses.selectors import expense_get
from expenses.services.ocr import receipt_read
from expenses.services.receipts import (
    can_manage_receipts,
    receipt_delete,
    receipt_download_url,
    receipt_mismatch_accept,
    receipt_stored_file,
    receipt_upload_prefill,
    uses_presigned_urls,
    wants_thumbnail,
)
from expenses.views.throttle import over_budget
from mealtracker.errors import DomainError, NotAllowed
from mealtracker.web import user_page

IGNORED_SESSION_KEY = "ignored_receipt_mismatches"
MISMATCH_FIELDS = {"amount", "tax", "tip", "date", "restaurant"}


def _receipt_of(request, pk, receipt_pk):
    expense = expense_get(user=request.user, pk=pk)  # visibility first: someone else's expense is a 404
    receipt = expense.receipts.filter(pk=receipt_pk).first()
    if receipt is None:
        raise Http404("Receipt not found.")
    return expense, receipt


@user_page
@require_GET
def receipt_file(request, pk, receipt_pk):
    """The receipt (or `?thumbnail=1` its thumbnail, 404 when it has none) for someone who may see its expense."""
    _, receipt = _receipt_of(request, pk, receipt_pk)
    try:
        thumbnail = wants_thumbnail(request.GET.get("thumbnail"))
    except DomainError as exc:
        raise BadRequest(exc.message) from exc
    stored, content_type = receipt_stored_file(receipt, thumbnail=thumbnail)  # NotFound: a 404 page
    if uses_presigned_urls(receipt):
        return HttpResponseRedirect(receipt_download_url(receipt, thumbnail=thumbnail))
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _json_value(value):
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value) if value is not None else None


@user_page
@require_POST
def receipt_prefill(request):
    """JSON for the add-meal form: what a chosen receipt photo says (amount, date, restaurant, ...)."""
    if not ocr_enabled():
        return JsonResponse({"detail": f"{ocr_unavailable_reason()}; fill in the meal by hand."}, status=404)
    form = ReceiptForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"errors": {"receipt": ["Choose a receipt file."]}}, status=400)
    if over_budget(request.user, "receipt-prefill", settings.OCR_USER_READS_PER_MINUTE):
        return JsonResponse({"detail": "Too many receipts read in a minute; fill in the meal by hand."}, status=429)
    try:
        suggested = receipt_upload_prefill(owner=request.user, file=form.cleaned_data["receipt"])
    except DomainError as exc:
        return JsonResponse({"detail": exc.message, "errors": {"receipt": [exc.message]}}, status=exc.status)
    body = {name: _json_value(value) for name, value in suggested.items() if name != "confidence"}
    if "occurred_at" in suggested:
        body["occurred_at"] = suggested["occurred_at"].strftime("%Y-%m-%dT%H:%M")  # the form's datetime-local
    if "restaurant" in suggested:
        restaurant = suggested["restaurant"]
        body["restaurant_label"] = (
            f"{restaurant.display_name} ({restaurant.city})" if restaurant.city else (restaurant.display_name)
        )
    body["confidence"] = suggested["confidence"]
    return JsonResponse(body)


@user_page
@require_POST
def receipt_read_now(request, pk, receipt_pk):
    """The "Read receipt" button: OCR now, then the page shows what differs."""
    expense, receipt = _receipt_of(request, pk, receipt_pk)
    if not can_manage_receipts(request.user, expense):
        raise PermissionDenied("Only the person who paid can have this receipt read.")
    try:
        receipt_read(receipt)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Receipt read.")
    return redirect("expense_detail", pk=expense.pk)


@user_page
@require_POST
def receipt_mismatch_decide(request, pk, receipt_pk, field, decision):
    """Accept (set the expense's field to the receipt's value) or ignore (hide it) one mismatch."""
    if decision not in {"accept", "ignore"} or field not in MISMATCH_FIELDS:
        raise Http404("No such decision.")
    expense, receipt = _receipt_of(request, pk, receipt_pk)
    if not can_edit_expense(request.user, expense):
        raise PermissionDenied("This expense can no longer be edited.")
    if decision == "ignore":
        ignored = request.session.get(IGNORED_SESSION_KEY, {})
        ignored[str(receipt.pk)] = sorted({*ignored.get(str(receipt.pk), []), field})
        request.session[IGNORED_SESSION_KEY] = ignored
        messages.info(request, "Difference ignored.")
        return redirect("expense_detail", pk=expense.pk)
    try:
        receipt_mismatch_accept(receipt=receipt, field=field, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Expense updated from the receipt.")
    return redirect("expense_detail", pk=expense.pk)


def ignored_mismatches(request, receipt_pk) -> set[str]:
    return set(request.session.get(IGNORED_SESSION_KEY, {}).get(str(receipt_pk), []))


@user_page
@require_POST
def receipt_remove(request, pk, receipt_pk):
    """Remove a receipt (the expense's lock applies, in the service); its stored files go once that is committed."""
    expense, receipt = _receipt_of(request, pk, receipt_pk)
    try:
        receipt_delete(receipt=receipt, actor=request.user)
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Receipt removed.")
    return redirect("expense_detail", pk=expense.pk)
