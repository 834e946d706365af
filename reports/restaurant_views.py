"""Restaurant import (upload → review → import) and export pages."""

from django.contrib import messages
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mealtracker.errors import DomainError
from mealtracker.web import user_page
from reports.forms import ImportUploadForm
from reports.services import restaurant_imports as services
from reports.services.exports import CONTENT_TYPES, attachment
from reports.services.restaurant_transfer import restaurants_csv, restaurants_for_export, restaurants_json

ROWS_PER_PAGE = 500
EXPORT_FORMATS = {"csv", "json"}


@user_page
@require_GET
def restaurant_export(request, file_format: str):
    """Every restaurant of the signed-in user as CSV or JSON (the format the import reads back)."""
    if file_format not in EXPORT_FORMATS:
        raise Http404("Restaurants export as CSV or JSON.")
    restaurants = restaurants_for_export(request.user)
    if file_format == "csv":
        response = StreamingHttpResponse(restaurants_csv(restaurants.iterator()), content_type=CONTENT_TYPES["csv"])
    else:
        response = HttpResponse(restaurants_json(restaurants), content_type=CONTENT_TYPES["json"])
    return attachment(response, "restaurants", file_format)


@user_page
@require_http_methods(["GET", "POST"])
def restaurant_import_upload(request):
    """Step 1: upload a restaurant file (ours or the original app's); nothing is saved before the review."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.restaurant_import_batch_create(
                owner=request.user, filename=upload.name, payload=upload.read()
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("restaurant_import_review", pk=batch.pk)
    batches = services.restaurant_import_batches_of(request.user)[:10]
    context = {"form": form, "batches": batches}
    return render(request, "reports/restaurant_import_upload.html", context, status=400 if form.errors else 200)


@user_page
@require_GET
def restaurant_import_review(request, pk):
    """Step 2: each row as new, duplicate, possible match or with errors by line; apply or skip each."""
    batch = services.restaurant_import_batch_get(user=request.user, pk=pk)
    rows = batch.rows.select_related("restaurant").order_by("line_number")[:ROWS_PER_PAGE]
    context = {"batch": batch, "rows": rows, "summary": services.restaurant_import_summary(batch)}
    return render(request, "reports/restaurant_import_review.html", context)


@user_page
@require_POST
def restaurant_import_row_choose(request, pk, row_pk):
    batch = services.restaurant_import_batch_get(user=request.user, pk=pk)
    row = get_object_or_404(batch.rows.select_related("batch"), pk=row_pk)
    try:
        services.restaurant_import_row_choose(row=row, action=request.POST.get("action", ""))
    except DomainError as exc:
        messages.error(request, f"Line {row.line_number}: {exc.message}")
    return redirect(reverse("restaurant_import_review", args=[batch.pk]) + f"#line-{row.line_number}")


@user_page
@require_POST
def restaurant_import_apply(request, pk):
    """Step 3: create the chosen rows' restaurants, all or nothing."""
    batch = services.restaurant_import_batch_get(user=request.user, pk=pk)
    try:
        result = services.restaurant_import_batch_apply(batch=batch, actor=request.user)
    except DomainError as exc:
        details = "; ".join(f"{line}: {' '.join(msgs)}" for line, msgs in (getattr(exc, "errors", None) or {}).items())
        messages.error(request, f"{exc.message} {details}".strip())
        return redirect("restaurant_import_review", pk=batch.pk)
    messages.success(
        request,
        f"{result['created']} restaurant(s) added, {result['matched']} already saved, "
        f"{result['skipped']} row(s) skipped.",
    )
    return redirect("restaurant_list")


@user_page
@require_POST
def restaurant_import_discard(request, pk):
    batch = services.restaurant_import_batch_get(user=request.user, pk=pk)
    try:
        services.restaurant_import_batch_discard(batch=batch)
        messages.success(request, "Import discarded; nothing was written.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("restaurant_import_upload")
