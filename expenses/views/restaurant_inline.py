"""A new restaurant from the add-meal form, in a dialog (htmx), without leaving or losing the meal being entered."""

import json

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from expenses import services
from expenses.forms import ExpenseForm, RestaurantQuickForm
from expenses.services.ocr import restaurant_fields_from_receipt
from mealtracker.errors import DomainError
from mealtracker.web import is_htmx, user_page

PREFIX = "new_restaurant"  # the dialog's fields never clash with the meal form's on the same page
CREATED_EVENT = "restaurantCreated"


@user_page
@require_http_methods(["GET", "POST"])
def restaurant_create_inline(request):
    """GET: the dialog's form, filled in from what a receipt printed (?name=&address=&phone=). POST: the restaurant,
    created by the service like any other; the page hears `restaurantCreated` (HX-Trigger) with its id and label and
    chooses it for the meal. A refusal (a duplicate, a bad field) comes back as the form with its errors (400)."""
    if request.method == "GET" and not is_htmx(request):
        return redirect("restaurant_create")  # without scripts there is no dialog: the full page
    if request.method == "GET":
        read = {name: request.GET.get(name, "") for name in ("name", "address", "phone")}
        form = RestaurantQuickForm(prefix=PREFIX, initial=restaurant_fields_from_receipt(**read))
        return render(request, "expenses/_restaurant_inline.html", {"form": form})
    form = RestaurantQuickForm(request.POST, prefix=PREFIX)
    if form.is_valid():
        try:
            restaurant = services.restaurant_create(owner=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            label = ExpenseForm.base_fields["restaurant"].label_from_instance(restaurant)  # as the picker
            response = render(request, "expenses/_restaurant_inline_done.html", {"restaurant": restaurant})
            response["HX-Trigger"] = json.dumps({CREATED_EVENT: {"id": restaurant.pk, "label": label}})
            return response
    return render(request, "expenses/_restaurant_inline.html", {"form": form}, status=400)
