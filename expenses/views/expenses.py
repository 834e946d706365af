"""Expense pages: list with filters and "load more", calendar, detail, add, edit, delete, submit, receipts."""

import calendar
import datetime
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expenses import services
from expenses.approval_chain import approval_chain
from expenses.choices import ExpenseStatus
from expenses.conversation_forms import CommentForm
from expenses.conversation_selectors import comments_on
from expenses.forms import ExpenseFilterForm, ExpenseForm, ReceiptForm
from expenses.history_selectors import expense_history_entries
from expenses.meal_template_selectors import meal_template_get, meal_template_initial
from expenses.ocr import ocr_enabled, ocr_unavailable_reason
from expenses.page_selectors import expenses_in_month, expenses_listed_on_page, usual_category_at
from expenses.per_diem_selectors import per_diem_today
from expenses.permissions import can_edit_expense, can_review_expense
from expenses.selectors import expense_get, expense_totals, restaurants_owned_by
from expenses.services.ocr import receipt_mismatches
from expenses.services.receipts import receipt_attach, receipt_duplicate_notice, receipt_store_earlier_reading
from expenses.views.receipts import ignored_mismatches
from mealtracker.errors import DomainError, NotAllowed
from mealtracker.idempotency import PAGE_FIELD, IdempotencyKeyReused, page_create_once
from mealtracker.web import is_htmx, user_page

PAGE_SIZE = 25


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def paged(expenses, request) -> tuple[list, int | None]:
    """One page of rows and the next page number (None on the last page); no COUNT query."""
    page = _page_number(request)
    start = (page - 1) * PAGE_SIZE
    rows = list(expenses[start : start + PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], (page + 1 if len(rows) > PAGE_SIZE else None)


@user_page
@require_GET
def expense_list(request):
    form = ExpenseFilterForm(request.GET, owner=request.user)
    expenses = expenses_listed_on_page(request.user, form.query(), ordering=form.ordering())
    rows, next_page = paged(expenses, request)
    # `selectable`: each row has a box to tick it for "Export selected" (the export's ids= parameter).
    context = {"expenses": rows, "next_page": next_page, "show_owner": False, "show_tags": True, "selectable": True}
    if is_htmx(request) and "page" in request.GET:
        return render(request, "expenses/_expense_rows.html", context)
    context.update(form=form, totals=expense_totals(expenses), filtered=bool(request.GET.dict().keys() - {"sort"}))
    context["export_formats"] = ("csv", "xlsx", "pdf", "json")
    return render(request, "expenses/expense_list.html", context)


@user_page
@require_GET
def expense_calendar(request):
    today = timezone.localdate()
    try:
        shown = datetime.datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()  # noqa: DTZ007 - a month, no time
    except ValueError:
        shown = today.replace(day=1)
    by_day = expenses_in_month(request.user, shown.year, shown.month)
    weeks = [
        [{"date": day, "in_month": day.month == shown.month, "expenses": by_day.get(day, [])} for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(shown.year, shown.month)
    ]
    previous = (shown - datetime.timedelta(days=1)).replace(day=1)
    following = (shown + datetime.timedelta(days=32)).replace(day=1)
    month_total = sum((e.reporting_amount for day in by_day.values() for e in day), start=0)
    return render(
        request,
        "expenses/expense_calendar.html",
        {
            "weeks": weeks,
            "shown": shown,
            "previous": previous,
            "following": following,
            "today": today,
            "weekdays": [calendar.day_abbr[i] for i in range(7)],
            "month_total": month_total,
            "month_count": sum(len(day) for day in by_day.values()),
        },
    )


@user_page
@require_GET
def expense_detail(request, pk):
    expense = expense_get(user=request.user, pk=pk)
    events = list(expense.approval_events.select_related("actor", "on_behalf_of"))
    # A rejected meal shows why at the top of its page, where the owner looks first.
    rejections = [event for event in events if event.to_status == ExpenseStatus.REJECTED]
    rejection = max(rejections, key=lambda event: (event.created_at, event.pk)) if rejections else None
    return render(
        request,
        "expenses/expense_detail.html",
        {
            "expense": expense,
            "receipts": _receipts_with_mismatches(request, expense),
            "ocr_enabled": ocr_enabled(),
            "events": events,
            "chain": approval_chain(expense, events),
            "rejection": rejection if expense.status == ExpenseStatus.REJECTED else None,
            "tags": expense.tags.all(),
            "can_edit": can_edit_expense(request.user, expense),
            "can_review": can_review_expense(request.user, expense),
            "receipt_form": ReceiptForm(),
            "reporting_currency": settings.REPORTING_CURRENCY,
            "history": expense_history_entries(expense),
            "comments": comments_on(expense=expense),
            "comment_form": None if request.user.is_auditor else CommentForm(),
            "comment_action": reverse("expense_comment_add", args=[expense.pk]),
        },
    )


def _receipts_with_mismatches(request, expense) -> list:
    """Each receipt with what its reading says differently from the expense (minus the ones ignored)."""
    rows = []
    for receipt in expense.receipts.all():
        ignored = ignored_mismatches(request, receipt.pk)
        read = receipt.ocr_total is not None or receipt.ocr_date is not None or bool(receipt.ocr_merchant_name)
        found = [m for m in receipt_mismatches(receipt, expense) if m.field not in ignored] if read else []
        rows.append({"receipt": receipt, "read": read, "mismatches": found})
    return rows


def _attach_receipt(expense, request, upload):
    try:
        receipt = receipt_attach(expense=expense, file=upload, actor=request.user)
    except DomainError as exc:
        if exc.field == "file":
            exc.field = "receipt"  # the form's name for the upload
        raise
    notice = receipt_duplicate_notice(receipt)  # the same words as the API's `duplicate_of.message`
    if notice:
        messages.warning(request, notice)
    return receipt


def _save_expense(form, request, expense):
    """Update through the services; the receipt goes in the same transaction."""
    fields = form.service_fields()
    receipt = form.cleaned_data.get("receipt")
    with transaction.atomic():
        expense = services.expense_update(
            expense=expense, actor=request.user, expected_version=form.cleaned_data.get("version"), **fields
        )
        attached = _attach_receipt(expense, request, receipt) if receipt else None
    if attached is not None and ocr_enabled():
        receipt_store_earlier_reading(attached)  # the reading made while the form was filled in, if any
    return expense


def _form_page(request, form, expense=None, again=None, favourite=None):
    creating = expense is None
    ocr_off_reason = ocr_unavailable_reason() if creating else None
    context = {
        "form": form,
        "expense": expense,
        "again": again,
        "favourite": favourite,
        "per_diem_today": per_diem_today(request.user) if creating else None,
        "usual_category_url": reverse("usual_category"),
        "restaurant_options_url": reverse("restaurant_options"),
        "receipt_prefill_url": reverse("receipt_prefill") if creating and ocr_off_reason is None else "",
        "ocr_off_reason": ocr_off_reason,
        "ocr_setup_hint": settings.DEBUG,  # on a developer's machine, say how to turn reading on
        # A new key per form shown (a refused post keeps its own): the same form sent twice saves one meal.
        "idempotency_key": (request.POST.get(PAGE_FIELD) or str(uuid.uuid4())) if creating else "",
    }
    return render(request, "expenses/expense_form.html", context, status=400 if form.errors else 200)


def _initial_again(expense) -> dict:
    """The form for "log again": a past meal's values at the current time (its clearing date is its own)."""
    initial = ExpenseForm.initial_for(expense)
    for name in ("occurred_at", "version", "cleared_on", "exchange_rate"):
        initial.pop(name, None)
    return initial


def _create_once(request, form):
    """Save a new meal once per idempotency key: a second tap, or the outbox sending it again, gets the first."""
    attached, replays = [], []

    def create():
        with transaction.atomic():
            expense = services.expense_create(owner=request.user, actor=request.user, **form.service_fields())
            receipt = form.cleaned_data.get("receipt")
            attached.append(_attach_receipt(expense, request, receipt) if receipt else None)
        return redirect("expense_detail", pk=expense.pk)

    response = page_create_once(request, create, replayed=replays.append)
    if replays:
        messages.info(request, "This meal was already saved; here it is.")
    else:
        messages.success(request, "Meal saved.")
        if attached[-1] is not None and ocr_enabled():
            receipt_store_earlier_reading(attached[-1])  # the reading made while the form was filled in, if any
    return response


def _favourite_initial(request, initial: dict):
    """`?template=` (a favourite's "Adjust…"): the add form filled in from it, at the current time."""
    wanted = request.GET.get("template", "")
    if not wanted.isdigit():
        return None
    favourite = meal_template_get(user=request.user, pk=wanted)
    initial.update(meal_template_initial(favourite))
    return favourite


@user_page
@require_http_methods(["GET", "POST"])
def expense_create(request):
    initial = ExpenseForm.initial_for_new(request.user)
    again = None
    wanted = request.GET.get("restaurant", "")
    restaurant = restaurants_owned_by(request.user).filter(pk=wanted).first() if wanted.isdigit() else None
    if restaurant:  # "Add a meal here" from a restaurant's page: its usual category comes with it
        category = usual_category_at(request.user, restaurant)
        initial.update(restaurant=restaurant.pk, category=category.pk if category else None)
    past = request.GET.get("again", "")
    if past.isdigit():  # "Log again" on a meal of one's own (someone else's, seen as a manager, is not offered)
        again = expense_get(user=request.user, pk=past)
        if again.owner_id == request.user.pk:
            initial.update(_initial_again(again))
        else:
            again = None
    favourite = _favourite_initial(request, initial)
    form = ExpenseForm(request.POST or None, request.FILES or None, owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            return _create_once(request, form)
        except IdempotencyKeyReused:
            form.add_error(None, "This form was already saved with other values. Open Add meal again for another meal.")
        except DomainError as exc:
            form.add_domain_error(exc)
    return _form_page(request, form, again=again, favourite=favourite)


@user_page
@require_http_methods(["GET", "POST"])
def expense_edit(request, pk):
    expense = expense_get(user=request.user, pk=pk)
    if not can_edit_expense(request.user, expense):
        raise PermissionDenied("This expense can no longer be edited.")
    form = ExpenseForm(
        request.POST or None, request.FILES or None, owner=expense.owner, initial=ExpenseForm.initial_for(expense)
    )
    if request.method == "POST" and form.is_valid():
        try:
            _save_expense(form, request, expense)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Changes saved.")
            return redirect("expense_detail", pk=expense.pk)
    return _form_page(request, form, expense)


@user_page
@require_http_methods(["GET", "POST"])
def expense_delete(request, pk):
    expense = expense_get(user=request.user, pk=pk)
    if not can_edit_expense(request.user, expense):
        raise PermissionDenied("This expense can no longer be deleted.")
    if request.method == "POST":
        try:
            services.expense_delete(expense=expense, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("expense_detail", pk=expense.pk)
        messages.success(request, "Meal deleted.")
        return redirect("expense_list")
    return render(request, "expenses/expense_confirm_delete.html", {"expense": expense})


@user_page
@require_POST
def expense_submit(request, pk):
    expense = expense_get(user=request.user, pk=pk)
    try:
        services.expense_submit(expense=expense, actor=request.user, comment=request.POST.get("comment", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Sent to your manager for approval.")
    return redirect("expense_detail", pk=expense.pk)


@user_page
@require_POST
def receipt_add(request, pk):
    expense = expense_get(user=request.user, pk=pk)
    form = ReceiptForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            _attach_receipt(expense, request, form.cleaned_data["receipt"])
        except NotAllowed as exc:  # the expense's lock (submitted, decided, someone else's)
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Receipt attached.")
    else:
        messages.error(request, "Choose a receipt file to upload.")
    return redirect("expense_detail", pk=expense.pk)


@user_page
@require_GET
def usual_category(request):
    """JSON for the expense form: the category most used at a restaurant (null when none)."""
    wanted = request.GET.get("restaurant", "")
    restaurant = restaurants_owned_by(request.user).filter(pk=wanted).first() if wanted.isdigit() else None
    category = usual_category_at(request.user, restaurant) if restaurant else None
    return JsonResponse({"category": category.pk if category else None})
