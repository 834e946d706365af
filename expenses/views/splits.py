"""A bill's items, splitting a meal among its people, balances between colleagues and settling up."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from expenses.models import Split
from expenses.selectors import expense_get
from expenses.services.splits import (
    expense_split,
    line_items_replace,
    settlement_record,
    split_as_entered,
    split_people,
    split_remove,
)
from expenses.split_forms import SettleUpForm, SplitForm, items_from, line_item_formset
from expenses.split_selectors import (
    balances_for,
    colleagues_with_balances,
    debts_owed_by,
    debts_owed_to,
    line_items_of,
    settlements_visible_to,
    shares_of_expense,
)
from mealtracker.errors import DomainError
from mealtracker.web import user_page

LIST_LIMIT = 50


def _marked_settled(shares, balances, *, other_of) -> list:
    """Each share row, marked settled when its person's balance in its currency stands at zero, so no row says
    "owes you" above a balance that says "settled up"."""
    settled = {(b.other.pk, b.currency) for b in balances if not b.net}
    rows = list(shares[:LIST_LIMIT])
    for share in rows:
        share.settled = (other_of(share), share.expense.currency) in settled
    return rows


def _own_expense(request, pk):
    expense = expense_get(user=request.user, pk=pk)
    if expense.owner_id != request.user.pk:
        raise Http404("Not found.")
    return expense


@user_page
@require_http_methods(["GET", "POST"])
def line_items_edit(request, pk):
    """The bill's lines: what was ordered and what each line cost. Blank rows are left out."""
    expense = _own_expense(request, pk)
    formset = line_item_formset(line_items_of(expense), request.POST if request.method == "POST" else None)
    error = None
    if request.method == "POST" and formset.is_valid():
        try:
            line_items_replace(expense=expense, actor=request.user, items=items_from(formset))
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "Items saved.")
            return redirect("expense_detail", pk=expense.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "expenses/line_items_form.html", {"expense": expense, "formset": formset, "error": error},
                  status=status)  # fmt: skip


@user_page
@require_http_methods(["GET", "POST"])
def split_edit(request, pk):
    """Split the meal among the owner and its attendees: by items, evenly, by shares or by exact amounts."""
    expense = _own_expense(request, pk)
    people = split_people(expense)
    items = line_items_of(expense)
    split = Split.objects.filter(expense=expense).first()
    initial = {"method": "items" if items else "even", **SplitForm.initial_from(split_as_entered(expense), people)}
    form = SplitForm(request.POST or None, people=people, items=items, currency=expense.currency, initial=initial)
    if request.method == "POST":
        if request.POST.get("remove"):
            split_remove(expense=expense, actor=request.user)
            messages.success(request, "Split removed: nobody owes anything for this meal.")
            return redirect("expense_detail", pk=expense.pk)
        if form.is_valid():
            try:
                expense_split(expense=expense, actor=request.user, **form.service_arguments())
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Meal split.")
                return redirect("expense_detail", pk=expense.pk)
    context = {"expense": expense, "form": form, "split": split, "items": items,
               "shares": shares_of_expense(request.user, expense)}  # fmt: skip
    return render(request, "expenses/split_form.html", context, status=400 if form.errors else 200)


@user_page
def balances(request):
    """Where I stand with each colleague (per currency), what I owe and what I am owed, newest meals first."""
    balances = balances_for(request.user)
    context = {
        "balances": balances,
        "owed_by_me": _marked_settled(debts_owed_by(request.user), balances, other_of=lambda s: s.expense.owner_id),
        "owed_to_me": _marked_settled(debts_owed_to(request.user), balances, other_of=lambda s: s.user_id),
    }
    return render(request, "expenses/balances.html", context)


@user_page
@require_http_methods(["GET", "POST"])
def balance_with(request, user_pk):
    """The running balance with one colleague, the shares and settlements behind it, and settling up."""
    other = colleagues_with_balances(request.user).filter(pk=user_pk).first()
    if other is None:
        raise Http404("Not found.")
    form = SettleUpForm(request.POST or None, initial={"currency": request.user.default_currency})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        payer, payee = (request.user, other) if data["direction"] == "paid" else (other, request.user)
        try:
            settlement_record(payer=payer, payee=payee, amount=data["amount"], currency=data["currency"],
                              settled_on=data["settled_on"], note=data["note"], recorded_by=request.user)  # fmt: skip
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Settlement recorded.")
            return redirect("balance_with", user_pk=other.pk)
    standing = balances_for(request.user, other=other)
    owed = next((b for b in standing if b.net), None)
    if not form.is_bound and owed is not None:
        form = SettleUpForm(initial={"direction": "received" if owed.net > 0 else "paid", "amount": abs(owed.net),
                                     "currency": owed.currency})  # fmt: skip
    context = {
        "other": other,
        "balances": standing,
        "owed_by_me": _marked_settled(
            debts_owed_by(request.user).filter(expense__owner=other), standing, other_of=lambda s: s.expense.owner_id
        ),
        "owed_to_me": _marked_settled(
            debts_owed_to(request.user).filter(user=other), standing, other_of=lambda s: s.user_id
        ),
        "settlements": list(settlements_visible_to(request.user).filter(payer__in=[other, request.user],
                                                                        payee__in=[other, request.user])[:LIST_LIMIT]),
        "form": form,
    }  # fmt: skip
    return render(request, "expenses/balance_with.html", context, status=400 if form.errors else 200)
