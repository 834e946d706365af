"""The manager's pages: the approvals queue (one click to approve or reject) and the team's expenses."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from expenses import services
from expenses.attendee_selectors import attendee_entries, attendees_from_entries
from expenses.forms import DecisionForm, ExpenseFilterForm
from expenses.models import Receipt
from expenses.page_selectors import expenses_listed_on_page
from expenses.rate_selectors import rate_checks
from expenses.selectors import expense_get, expense_totals, expenses_awaiting_review_by
from expenses.substantiation import with_substantiation_counts
from expenses.views.expenses import paged
from mealtracker.errors import DomainError
from mealtracker.web import is_htmx, user_page

TEAM_FILTERS = {"q", "date_from", "date_to", "meal_type", "order_type", "status"}


def _require_reviewer(user):
    """Managers (and delegates), finance (second approvals) and admins decide."""
    if not (user.is_manager or user.is_admin or user.is_finance):
        raise PermissionDenied("Only managers review expenses.")


def _require_team_reader(user):
    """The team list is read by whoever reads teams: managers, finance, auditors, admins."""
    if not (user.is_manager or user.is_admin or user.is_finance or user.is_auditor):
        raise PermissionDenied("Only managers, finance and auditors read a team's expenses.")


# The queue's sort menu: by the meal's date, oldest first unless asked.
QUEUE_ORDERINGS = {"oldest": ("occurred_at", "id"), "newest": ("-occurred_at", "-id")}


@user_page
@require_GET
def approval_queue(request):
    _require_reviewer(request.user)
    sort = request.GET.get("sort") if request.GET.get("sort") in QUEUE_ORDERINGS else "oldest"
    # policy_flag is the reports app's one-to-one on Expense: over-policy meals are marked in the queue.
    waiting = (
        with_substantiation_counts(expenses_awaiting_review_by(request.user))
        .order_by(*QUEUE_ORDERINGS[sort])
        .select_related("owner", "restaurant", "policy_flag")
        .prefetch_related(Prefetch("receipts", queryset=Receipt.objects.order_by("created_at", "id")))
        # Each card's people come with its row (one text value), not from a query of their own.
        .annotate(attendee_entries=attendee_entries())
    )
    # A page of cards at a time, "Load more" for the next: a backlog of 760 meals took 0.6 s to render at once.
    expenses, next_page = paged(waiting, request)
    # A typed exchange rate is shown against the stored rate of the meal's day, flagged beyond the tolerance.
    checks = rate_checks(expenses)
    for expense in expenses:
        expense.rate_check = checks.get(expense.pk)
        expense.listed_attendees = attendees_from_entries(expense.attendee_entries)
    context = {"expenses": expenses, "next_page": next_page, "form": DecisionForm(), "sort": sort}
    if is_htmx(request) and "page" in request.GET:
        return render(request, "expenses/_approval_cards.html", context)
    # How many wait in all (the heading and the navigation): the cards shown when they are all of them.
    everything_shown = next_page is None and "page" not in request.GET
    context["approvals_waiting"] = len(expenses) if everything_shown else waiting.order_by().values("pk").count()
    return render(request, "expenses/approval_queue.html", context)


@user_page
@require_POST
def approvals_approve_selected(request):
    """Approve the ticked meals in one go; each is still approved (and recorded) by expense_approve on its own. A
    meal no longer waiting for this reviewer, or one the service refuses, is left as it is and named."""
    _require_reviewer(request.user)
    ids = {value for value in request.POST.getlist("expense") if value.isdigit() and len(value) < 19}
    comment = request.POST.get("comment", "")[:2000]
    waiting = {str(expense.pk): expense for expense in expenses_awaiting_review_by(request.user).filter(pk__in=ids)}
    approved, refused = 0, []
    for pk in sorted(ids, key=int):
        expense = waiting.get(pk)
        if expense is None:
            refused.append(f"#{pk}: no longer waiting for your decision")
            continue
        try:
            services.expense_approve(expense=expense, actor=request.user, comment=comment)
        except DomainError as exc:
            refused.append(f"{expense.owner} #{pk}: {exc.message}")
        else:
            approved += 1
    if not ids:
        messages.warning(request, "Tick the meals to approve first.")
    if approved:
        messages.success(request, f"Approved {approved} meal{'' if approved == 1 else 's'}.")
    if refused:
        messages.error(request, "Not approved: " + "; ".join(refused) + ".")
    sort = request.POST.get("sort")
    return redirect(f"{reverse('approval_queue')}?sort={sort}" if sort in QUEUE_ORDERINGS else "approval_queue")


def _decide(request, pk, decide, done_message):
    expense = expense_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    error = None
    try:
        expense = decide(expense=expense, actor=request.user, comment=form.cleaned_data.get("comment", ""))
    except DomainError as exc:
        error = exc.message
    if is_htmx(request):
        context = {"expense": expense, "error": error, "done": None if error else done_message, "form": form}
        return render(request, "expenses/_approval_card.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done_message)
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("expense_detail", pk=expense.pk)


@user_page
@require_POST
def expense_approve(request, pk):
    return _decide(request, pk, services.expense_approve, "Approved.")


@user_page
@require_POST
def expense_reject(request, pk):
    return _decide(request, pk, services.expense_reject, "Rejected; the owner can fix and resubmit it.")


@user_page
@require_GET
def team_expense_list(request):
    _require_team_reader(request.user)
    form = ExpenseFilterForm(request.GET, owner=request.user)
    query = form.query(TEAM_FILTERS)
    expenses = expenses_listed_on_page(request.user, query, ordering=form.ordering(), team=True)
    rows, next_page = paged(expenses, request)
    context = {"expenses": rows, "next_page": next_page, "show_owner": True, "show_tags": True}
    if is_htmx(request) and "page" in request.GET:
        return render(request, "expenses/_expense_rows.html", context)
    for name in ("category", "restaurant", "tag"):
        del form.fields[name]  # these belong to each member, not to the manager
    context.update(form=form, totals=expense_totals(expenses), team=True)
    return render(request, "expenses/expense_list.html", context)
