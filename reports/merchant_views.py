"""The merchant catalogue's import and export page (admins only): download it with its restaurant links, or
upload a CSV or JSON file that creates or updates merchants and links, all or nothing."""

from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mealtracker.errors import DomainError
from mealtracker.web import user_page
from reports.forms import ImportUploadForm
from reports.services.exports import CONTENT_TYPES, attachment
from reports.services.merchant_transfer import merchants_csv, merchants_for_export, merchants_import, merchants_json

EXPORT_FORMATS = {"csv", "json"}


def _admin_only(request) -> None:
    if not request.user.is_admin:
        raise Http404("Not found.")  # the catalogue's files are the admins' business, like the admin site


def merchants_download(file_format: str):
    if file_format not in EXPORT_FORMATS:
        raise Http404("Merchants export as CSV or JSON.")
    merchants = merchants_for_export()
    if file_format == "csv":
        response = StreamingHttpResponse(merchants_csv(merchants), content_type=CONTENT_TYPES["csv"])
    else:
        response = HttpResponse(merchants_json(merchants), content_type=CONTENT_TYPES["json"])
    return attachment(response, "merchants", file_format)


@user_page
@require_GET
def merchant_export(request, file_format: str):
    _admin_only(request)
    return merchants_download(file_format)


@user_page
@require_http_methods(["GET", "POST"])
def merchant_import(request):
    _admin_only(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    errors: dict = {}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = merchants_import(actor=request.user, filename=upload.name, payload=upload.read())
        except DomainError as exc:
            form.add_error("file", exc.message)
            errors = getattr(exc, "errors", None) or {}
        else:
            messages.success(
                request,
                f"{result.created} merchant(s) created, {result.updated} updated, {result.unchanged} unchanged; "
                f"{result.linked} restaurant link(s) made; {len(result.not_found)} link(s) to restaurants not found.",
            )
            return redirect("merchant_import")
    context = {"form": form, "errors": errors}
    return render(request, "reports/merchant_import.html", context, status=400 if form.errors else 200)
