"""Favourites (meals logged with one tap), their schedules, and the recurring meals waiting to be confirmed."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from expenses.forms import ExpenseForm
from expenses.meal_template_selectors import (
    meal_template_get,
    meal_template_initial,
    meal_templates_of,
    pending_meal_get,
    pending_meals_of,
)
from expenses.selectors import expense_get
from expenses.services.meal_templates import (
    meal_template_create,
    meal_template_delete,
    meal_template_from_expense,
    meal_template_log,
    meal_template_update,
    pending_meal_confirm,
    pending_meal_discard,
)
from expenses.trip_forms import MealTemplateForm
from mealtracker.errors import DomainError
from mealtracker.idempotency import IdempotencyKeyReused, page_create_once
from mealtracker.web import user_page


@user_page
@require_GET
def favourite_list(request):
    context = {
        "templates": list(meal_templates_of(request.user)),
        "pending": list(pending_meals_of(request.user)),
        "idempotency_key": uuid.uuid4().hex,  # one per page shown: each "Log now" tap on it logs one meal
    }
    return render(request, "expenses/favourites.html", context)


def _form_page(request, form, template=None):
    context = {"form": form, "template": template}
    return render(request, "expenses/favourite_form.html", context, status=400 if form.errors else 200)


@user_page
@require_http_methods(["GET", "POST"])
def favourite_create(request):
    initial = {"currency": request.user.default_currency, "party_size": 1}
    form = MealTemplateForm(request.POST or None, owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meal_template_create(owner=request.user, **form.service_fields())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Favourite saved.")
            return redirect("favourite_list")
    return _form_page(request, form)


@user_page
@require_http_methods(["GET", "POST"])
def favourite_edit(request, pk):
    template = meal_template_get(user=request.user, pk=pk)
    form = MealTemplateForm(request.POST or None, owner=request.user, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            meal_template_update(template=template, actor=request.user, **form.service_fields())
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Changes saved.")
            return redirect("favourite_list")
    return _form_page(request, form, template)


@user_page
@require_POST
def favourite_delete(request, pk):
    template = meal_template_get(user=request.user, pk=pk)
    meal_template_delete(template=template, actor=request.user)
    messages.success(request, f"“{template.name}” removed from your favourites.")
    return redirect("favourite_list")


@user_page
@require_POST
def favourite_log(request, pk):
    """One tap: the favourite is logged now, once per tap (a double tap or a resent post gets the first meal)."""
    template = meal_template_get(user=request.user, pk=pk)

    def log():
        expense = meal_template_log(template=template, actor=request.user)
        messages.success(request, f"Logged “{template.name}”.")
        return redirect("expense_detail", pk=expense.pk)

    try:
        return page_create_once(request, log, replayed=lambda _: messages.info(request, "Already logged; here it is."))
    except IdempotencyKeyReused:
        return redirect("favourite_list")
    except DomainError as exc:
        messages.error(request, f"{exc.message} Log it from the form instead.")
        return redirect(f"{reverse('expense_create')}?template={template.pk}")


@user_page
@require_POST
def expense_save_favourite(request, pk):
    expense = expense_get(user=request.user, pk=pk)
    try:
        template = meal_template_from_expense(expense=expense, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Saved as the favourite “{template.name}”: log it with one tap from Favourites.")
    return redirect("expense_detail", pk=expense.pk)


@user_page
@require_POST
def pending_meal_confirm_now(request, pk):
    pending = pending_meal_get(user=request.user, pk=pk)
    try:
        pending_meal_confirm(pending=pending, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"“{pending.template.name}” on {pending.occurs_on:%a %d %b} logged.")
    return redirect("favourite_list")


@user_page
@require_POST
def pending_meal_discard_now(request, pk):
    pending = pending_meal_get(user=request.user, pk=pk)
    try:
        pending_meal_discard(pending=pending, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, f"“{pending.template.name}” on {pending.occurs_on:%a %d %b} discarded.")
    return redirect("favourite_list")


@user_page
@require_http_methods(["GET", "POST"])
def pending_meal_edit(request, pk):
    """Change a recurring meal before confirming it (another amount today): the meal form, saved on confirm."""
    pending = pending_meal_get(user=request.user, pk=pk)
    template = pending.template
    initial = {**meal_template_initial(template), "occurred_at": pending.occurred_at.astimezone(request.user.tzinfo)}
    form = ExpenseForm(request.POST or None, owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        fields.pop("receipt", None)
        try:
            expense = pending_meal_confirm(pending=pending, actor=request.user, **fields)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Meal saved.")
            return redirect("expense_detail", pk=expense.pk)
    context = {
        "form": form, "pending": pending, "usual_category_url": reverse("usual_category"),
        "restaurant_options_url": reverse("restaurant_options"), "ocr_setup_hint": settings.DEBUG,
    }  # fmt: skip
    return render(request, "expenses/expense_form.html", context, status=400 if form.errors else 200)
