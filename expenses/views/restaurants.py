"""Restaurant pages: list with stats, detail with visit history, add, edit, delete (expenses are kept)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from expenses import services
from expenses.filters import as_query
from expenses.forms import RestaurantFilterForm, RestaurantForm
from expenses.page_selectors import (
    expenses_listed_on_page,
    loyalty_at_restaurant,
    per_person,
    restaurant_brand_counts,
    restaurants_with_stats,
)
from expenses.places import places_enabled
from expenses.selectors import restaurants_owned_by
from expenses.views.expenses import paged
from expenses.views.nearby import map_context
from mealtracker.errors import DomainError
from mealtracker.web import is_htmx, user_page


def owned_restaurant(request, pk):
    """The caller's own restaurant; anyone else's is not found (a 404), like one that does not exist."""
    restaurant = restaurants_owned_by(request.user).filter(pk=pk).first()
    if restaurant is None:
        raise Http404("Restaurant not found.")
    return restaurant


@user_page
@require_GET
def restaurant_list(request):
    form = RestaurantFilterForm(request.GET)
    restaurants = list(restaurants_with_stats(request.user, **form.filters()))
    for restaurant in restaurants:
        restaurant.per_person = per_person(restaurant.total, restaurant.people)
    return render(
        request,
        "expenses/restaurant_list.html",
        {
            "form": form,
            "restaurants": restaurants,
            "counts": restaurant_brand_counts(request.user),
            "places_enabled": places_enabled(),
            **map_context(restaurants),
        },
    )


@user_page
@require_GET
def restaurant_options(request):
    """<option>s for the restaurant picker on the expense form, narrowed by a search."""
    restaurants = restaurants_owned_by(request.user)
    if search := request.GET.get("q", "").strip():
        restaurants = restaurants.filter(name__icontains=search) | restaurants.filter(city__icontains=search)
    selected = request.GET.get("restaurant", "")
    return render(
        request, "expenses/_restaurant_options.html", {"restaurants": restaurants[:200], "selected": selected}
    )


@user_page
@require_GET
def restaurant_detail(request, pk):
    restaurant = owned_restaurant(request, pk)
    stats = restaurants_with_stats(request.user).get(pk=restaurant.pk)
    visits, next_page = paged(expenses_listed_on_page(request.user, as_query({"restaurant": [restaurant.pk]})), request)
    context = {"expenses": visits, "next_page": next_page, "show_owner": False, "show_tags": True}
    if is_htmx(request) and "page" in request.GET:
        return render(request, "expenses/_expense_rows.html", context)
    context.update(
        restaurant=restaurant,
        stats=stats,
        per_person=per_person(stats.total, stats.people),
        places_enabled=places_enabled(),
        memberships=loyalty_at_restaurant(request.user, restaurant),
    )
    return render(request, "expenses/restaurant_detail.html", context)


def _restaurant_form_page(request, form, restaurant=None):
    status = 400 if form.errors else 200
    context = {"form": form, "restaurant": restaurant, **map_context([])}  # the map to pick the location on
    return render(request, "expenses/restaurant_form.html", context, status=status)


@user_page
@require_http_methods(["GET", "POST"])
def restaurant_create(request):
    form = RestaurantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            restaurant = services.restaurant_create(owner=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, f"{restaurant.display_name} added.")
            return redirect("restaurant_detail", pk=restaurant.pk)
    return _restaurant_form_page(request, form)


@user_page
@require_http_methods(["GET", "POST"])
def restaurant_edit(request, pk):
    restaurant = owned_restaurant(request, pk)
    form = RestaurantForm(request.POST or None, instance=restaurant)
    if request.method == "POST" and form.is_valid():
        try:
            services.restaurant_update(restaurant=owned_restaurant(request, pk), **form.cleaned_data)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Restaurant saved.")
            return redirect("restaurant_detail", pk=restaurant.pk)
    return _restaurant_form_page(request, form, restaurant)


@user_page
@require_http_methods(["GET", "POST"])
def restaurant_delete(request, pk):
    restaurant = owned_restaurant(request, pk)
    if request.method == "POST":
        kept = services.restaurant_delete(restaurant=restaurant)
        messages.success(request, f"Restaurant deleted; its {kept} expense(s) were kept.")
        return redirect("restaurant_list")
    visits = restaurant.expenses.count()
    return render(request, "expenses/restaurant_confirm_delete.html", {"restaurant": restaurant, "visits": visits})
