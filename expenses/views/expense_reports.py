"""Expense report and reimbursement batch pages (thin: form -> service -> redirect)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expenses.approval_chain import approval_chain
from expenses.choices import ExpenseStatus
from expenses.conversation_forms import CommentForm
from expenses.conversation_selectors import comments_on
from expenses.models import ReportStatus
from expenses.permissions import can_review_expense
from expenses.report_forms import BatchForm, ExpenseReportForm, RejectLineForm
from expenses.report_selectors import (
    batch_get,
    batch_payout_csv_response,
    batches_listed_for,
    expenses_payable,
    report_bundle_latest,
    report_get,
    report_lines,
    report_totals,
    reports_listed_for,
)
from expenses.services import batches as batch_services
from expenses.services import expense_reports as report_services
from expenses.services import report_bundles
from expenses.services.expense_reports import OPEN_LINE_STATUSES
from expenses.trip_selectors import trips_owned_by
from mealtracker.errors import DomainError
from mealtracker.web import user_page

WAITING = (ExpenseStatus.SUBMITTED, ExpenseStatus.SECOND_REVIEW)
EDITABLE_REPORTS = (ReportStatus.OPEN, ReportStatus.PARTLY_APPROVED, ReportStatus.REJECTED)


def _reads_teams(user) -> bool:
    return user.is_manager or user.is_admin or user.is_finance or user.is_auditor


@user_page
@require_GET
def report_list(request):
    scope = "team" if request.GET.get("scope") == "team" and _reads_teams(request.user) else "mine"
    reports = list(reports_listed_for(request.user, scope=scope).select_related("owner"))
    context = {"reports": reports, "scope": scope, "reads_teams": _reads_teams(request.user)}
    return render(request, "expenses/reports/report_list.html", context)


@user_page
@require_http_methods(["GET", "POST"])
def report_create(request):
    candidates = report_services.report_candidates(request.user).select_related("restaurant").order_by("-occurred_at")
    form = ExpenseReportForm(
        request.POST or None, trips=trips_owned_by(request.user), candidates=candidates, initial=request.GET
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = report_services.report_create(
                owner=request.user,
                title=data["title"],
                purpose=data["purpose"],
                basis=data["basis"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                trip=data["trip"],
                expense_ids=[expense.pk for expense in data["expenses"]],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Report created.")
            return redirect("report_detail", pk=report.pk)
    status = 400 if form.errors else 200
    return render(request, "expenses/reports/report_form.html", {"form": form}, status=status)


@user_page
@require_GET
def report_detail(request, pk):
    report = report_get(user=request.user, pk=pk)
    lines = list(report_lines(report))
    # Every line has the report's owner, so who may decide depends on the line's status only: asked once per status.
    decides = {}
    for line in lines:
        line.chain = approval_chain(line, line.listed_events)
        if line.status not in decides:
            decides[line.status] = line.status in WAITING and can_review_expense(request.user, line)
        line.decides = decides[line.status]
    is_owner = report.owner_id == request.user.pk
    editable = is_owner and report.status in EDITABLE_REPORTS
    for line in lines:
        line.removable = editable and line.status in OPEN_LINE_STATUSES
    context = {
        "report": report,
        "lines": lines,
        "totals": report_totals(report),
        "bundle": report_bundle_latest(report),
        "is_owner": is_owner,
        "can_submit": is_owner and any(line.status in OPEN_LINE_STATUSES for line in lines),
        "can_decide": any(line.decides for line in lines),
        "reject_form": RejectLineForm(),
        "comments": comments_on(report=report),
        "comment_form": None if request.user.is_auditor else CommentForm(),
        "comment_action": reverse("report_comment_add", args=[report.pk]),
    }
    return render(request, "expenses/reports/report_detail.html", context)


def _act(request, pk, action, success: str):
    report = report_get(user=request.user, pk=pk)
    try:
        action(report)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("report_detail", pk=report.pk)


@user_page
@require_POST
def report_submit(request, pk):
    return _act(request, pk, lambda r: report_services.report_submit(report=r, actor=request.user), "Report submitted.")


@user_page
@require_POST
def report_approve(request, pk):
    ids = [int(value) for value in request.POST.getlist("expense") if value.isdigit()] or None
    comment = request.POST.get("comment", "")[:2000]
    return _act(
        request,
        pk,
        lambda r: report_services.report_approve(report=r, actor=request.user, expense_ids=ids, comment=comment),
        "Approved.",
    )


@user_page
@require_POST
def report_reject_line(request, pk):
    form = RejectLineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the line is rejected.")
        return redirect("report_detail", pk=pk)
    data = form.cleaned_data
    return _act(
        request,
        pk,
        lambda r: report_services.report_reject_line(
            report=r, actor=request.user, expense_id=data["expense"], comment=data["comment"]
        ),
        "Line rejected.",
    )


@user_page
@require_POST
def report_remove_line(request, pk):
    ids = [int(value) for value in request.POST.getlist("expense") if value.isdigit()]
    return _act(
        request,
        pk,
        lambda r: report_services.report_lines_remove(report=r, actor=request.user, expense_ids=ids),
        "Meal taken out of the report.",
    )


@user_page
@require_POST
def report_bundle(request, pk):
    report = report_get(user=request.user, pk=pk)
    bundle = report_bundles.bundle_request(report=report, actor=request.user)
    if bundle.status == "ready":
        messages.success(request, "The bundle is ready to download.")
    else:
        messages.info(request, "The bundle is being built; it will be offered here when ready.")
    return redirect("report_detail", pk=report.pk)


@user_page
@require_GET
def report_bundle_download(request, pk, part):
    report = report_get(user=request.user, pk=pk)
    bundle = report_bundle_latest(report)
    if bundle is None:
        from django.http import Http404

        raise Http404("No bundle yet.")
    handle, name = report_bundles.bundle_file(bundle, part)
    content_type = "application/pdf" if part == "pdf" else "application/zip"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


def _require_batch_reader(user):
    if not (user.is_finance or user.is_admin or user.is_auditor):
        raise PermissionDenied("Reimbursement batches are finance's.")


@user_page
@require_GET
def batch_list(request):
    _require_batch_reader(request.user)
    batches = list(batches_listed_for(request.user))
    can_create = batch_services.can_manage_batches(request.user)
    return render(request, "expenses/reports/batch_list.html", {"batches": batches, "can_create": can_create})


@user_page
@require_http_methods(["GET", "POST"])
def batch_create(request):
    if not batch_services.can_manage_batches(request.user):
        raise PermissionDenied("Only finance creates reimbursement batches.")
    payable = expenses_payable(request.user).order_by("owner__email", "occurred_at")
    form = BatchForm(request.POST or None, payable=payable)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = batch_services.batch_create(
                actor=request.user,
                reference=data["reference"],
                payout_date=data["payout_date"],
                expense_ids=[expense.pk for expense in data["expenses"]],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Batch created.")
            return redirect("batch_detail", pk=batch.pk)
    status = 400 if form.errors else 200
    return render(request, "expenses/reports/batch_form.html", {"form": form}, status=status)


@user_page
@require_GET
def batch_detail(request, pk):
    _require_batch_reader(request.user)
    batch = batch_get(user=request.user, pk=pk)
    expenses = list(batch.expenses.select_related("owner", "restaurant").order_by("owner__email", "occurred_at"))
    context = {"batch": batch, "expenses": expenses, "can_pay": batch_services.can_manage_batches(request.user)}
    return render(request, "expenses/reports/batch_detail.html", context)


@user_page
@require_POST
def batch_pay(request, pk):
    batch = batch_get(user=request.user, pk=pk)
    try:
        batch_services.batch_mark_paid(batch=batch, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Batch paid: each meal is reimbursed.")
    return redirect("batch_detail", pk=batch.pk)


@user_page
@require_GET
def batch_payout_csv(request, pk):
    _require_batch_reader(request.user)
    return batch_payout_csv_response(batch_get(user=request.user, pk=pk))
