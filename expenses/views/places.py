"""Google place lookup pages: "Add from search" and "Check against Google". Hidden (404) without a places key.

Every call to Google costs money, so signed-in users are throttled per minute (a counter in the shared cache).
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from expenses.places import PlacesUnavailable, places_enabled
from expenses.services.places import (
    place_search,
    restaurant_apply_place_fixes,
    restaurant_compare_with_place,
    restaurant_from_place,
)
from expenses.views.restaurants import owned_restaurant
from expenses.views.throttle import over_budget
from mealtracker.errors import DomainError
from mealtracker.web import user_page

FIELD_LABELS = {
    "name": "Name", "address_line_1": "Address", "address_line_2": "Address line 2", "city": "City",
    "region": "Region", "postal_code": "Postal code", "country": "Country", "phone": "Phone",
    "website": "Website", "price_level": "Price level", "cuisine": "Cuisine", "service_level": "Service level",
    "location": "Map position",
}  # fmt: skip


def require_places() -> None:
    if not places_enabled():
        raise Http404("Place lookup is not set up on this server.")


def places_throttled(user) -> bool:
    """Count one Google call for the user; True when they are over PLACES_USER_CALLS_PER_MINUTE."""
    return over_budget(user, "places", settings.PLACES_USER_CALLS_PER_MINUTE)


def too_many_lookups(request, template: str, context: dict):
    context["error"] = "Too many place lookups in a minute; wait a moment and try again."
    return render(request, template, context, status=429)


def _point(request) -> tuple[Decimal | None, Decimal | None]:
    try:
        lat, lng = Decimal(request.GET["lat"]), Decimal(request.GET["lng"])
    except (KeyError, InvalidOperation):
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None, None
    return lat, lng


@user_page
@require_http_methods(["GET", "POST"])
def place_add_from_search(request):
    """Search Google for a place; "Add" creates the user's restaurant from its details."""
    require_places()
    template = "expenses/place_search.html"
    query = request.GET.get("q", "").strip()[:200]
    context: dict = {"query": query, "results": None, "error": ""}
    if request.method == "POST":
        place_id = request.POST.get("place_id", "").strip()[:300]
        if not place_id:
            context["error"] = "Choose a place to add."
            return render(request, template, context, status=400)
        if places_throttled(request.user):
            return too_many_lookups(request, template, context)
        try:
            restaurant = restaurant_from_place(owner=request.user, place_id=place_id)
        except DomainError as exc:  # includes PlacesUnavailable and the duplicate Conflict
            context["error"] = exc.message
            return render(request, template, context, status=exc.status)
        messages.success(request, f"{restaurant.display_name} added from Google.")
        return redirect("restaurant_detail", pk=restaurant.pk)
    if query:
        if places_throttled(request.user):
            return too_many_lookups(request, template, context)
        lat, lng = _point(request)
        try:
            context["results"] = place_search(
                user=request.user, query=query, latitude=lat, longitude=lng, radius_km=50 if lat is not None else None
            )
        except PlacesUnavailable as exc:
            context["error"] = exc.message
            return render(request, template, context, status=exc.status)
    return render(request, template, context)


@user_page
@require_http_methods(["GET", "POST"])
def restaurant_check_against_place(request, pk):
    """Field-by-field differences with the restaurant's Google place; the chosen ones are copied over."""
    require_places()
    restaurant = owned_restaurant(request, pk)
    template = "expenses/restaurant_check.html"
    context: dict = {"restaurant": restaurant, "differences": None, "error": ""}
    if places_throttled(request.user):
        return too_many_lookups(request, template, context)
    try:
        if request.method == "POST":
            chosen = request.POST.getlist("fields")
            if not chosen:
                messages.info(request, "Nothing chosen, nothing changed.")
                return redirect("restaurant_check", pk=restaurant.pk)
            restaurant_apply_place_fixes(restaurant=restaurant, fields=chosen)
            labels = ", ".join(FIELD_LABELS.get(field, field) for field in chosen)
            messages.success(request, f"Updated from Google: {labels}.")
            return redirect("restaurant_detail", pk=restaurant.pk)
        differences = restaurant_compare_with_place(restaurant)
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, template, context, status=exc.status)
    context["differences"] = [
        {"field": d.field, "label": FIELD_LABELS.get(d.field, d.field), "stored": d.stored, "google": d.google,
         "kind": d.kind}
        for d in differences
    ]  # fmt: skip
    return render(request, template, context)
