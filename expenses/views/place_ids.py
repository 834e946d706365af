"""Find the Google place of a restaurant saved without one: candidates with their distance and address; the chosen
one's id is stored. Hidden (404) without a places key; each search counts towards the user's per-minute budget."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from expenses.services.place_ids import confident_match, restaurant_place_candidates, restaurant_place_id_accept
from expenses.views.places import places_throttled, require_places, too_many_lookups
from expenses.views.restaurants import owned_restaurant
from mealtracker.errors import DomainError
from mealtracker.web import user_page


@user_page
@require_http_methods(["GET", "POST"])
def restaurant_find_place_id(request, pk):
    require_places()
    restaurant = owned_restaurant(request, pk)
    template = "expenses/restaurant_place_id.html"
    context: dict = {"restaurant": restaurant, "candidates": None, "confident": None, "error": ""}
    if request.method == "POST":
        try:
            restaurant_place_id_accept(restaurant=restaurant, place_id=request.POST.get("place_id", "")[:300])
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, template, context, status=exc.status)
        messages.success(request, f"{restaurant.display_name} is now linked to its Google place.")
        return redirect("restaurant_detail", pk=restaurant.pk)
    if restaurant.place_id:
        messages.info(request, "This restaurant already has its Google place.")
        return redirect("restaurant_detail", pk=restaurant.pk)
    if places_throttled(request.user):
        return too_many_lookups(request, template, context)
    try:
        candidates = restaurant_place_candidates(user=request.user, restaurant=restaurant)
    except DomainError as exc:  # includes PlacesUnavailable (503)
        context["error"] = exc.message
        return render(request, template, context, status=exc.status)
    context.update(candidates=candidates, confident=confident_match(candidates))
    return render(request, template, context)
