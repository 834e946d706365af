"""'My restaurants near me' (distance computed in SQL) and the data for the restaurants map."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from expenses.geo import restaurants_near
from mealtracker.errors import DomainError
from mealtracker.web import user_page

RADIUS_CHOICES = (1, 5, 10, 25, 50)
MAX_ROWS = 100


def map_points(restaurants) -> list[dict]:
    """The restaurants that have coordinates, as the map script reads them (a JSON data island)."""
    return [
        {
            "name": restaurant.display_name,
            "lat": float(restaurant.latitude),
            "lng": float(restaurant.longitude),
            "url": reverse("restaurant_detail", args=[restaurant.pk]),
        }
        for restaurant in restaurants
        if restaurant.latitude is not None and restaurant.longitude is not None
    ]


def map_context(restaurants) -> dict:
    return {
        "map_points": map_points(restaurants),
        "map_tiles_url": settings.MAP_TILES_URL,
        "map_tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
    }


@user_page
@require_GET
def restaurants_near_me(request):
    """Given ?lat=&lng=(&radius=km): the user's restaurants nearest first. Without them, the page asks the browser."""
    lat, lng = request.GET.get("lat", "").strip(), request.GET.get("lng", "").strip()
    try:
        radius = int(request.GET.get("radius", 5))
    except ValueError:
        radius = 5
    context = {"lat": lat, "lng": lng, "radius": radius, "radius_choices": RADIUS_CHOICES, "restaurants": None}
    status = 200
    if lat or lng:
        try:
            nearby = list(restaurants_near(request.user, lat, lng, radius)[:MAX_ROWS])
        except DomainError as exc:
            context["error"], status = exc.message, 400
        else:
            context["restaurants"] = nearby
            context.update(map_context(nearby))
    return render(request, "expenses/restaurants_near.html", context, status=status)
