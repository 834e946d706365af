"""Google Places API (New), called from the server: text search, place details, and mapping to restaurants."""

from expenses.places.client import PlacesClient, PlacesUnavailable, places_enabled
from expenses.places.mapping import place_to_restaurant_fields

__all__ = ["PlacesClient", "PlacesUnavailable", "place_to_restaurant_fields", "places_enabled"]
