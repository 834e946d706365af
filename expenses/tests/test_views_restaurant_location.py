"""A restaurant's position: picked on the restaurant form's map (the coordinates fields it fills) or typed."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.models import Restaurant
from expenses.tests.factories import RestaurantFactory

pytestmark = pytest.mark.django_db


def test_the_restaurant_form_offers_the_map_to_pick_the_position(member, web_client_for, settings):
    settings.MAP_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

    page = web_client_for(member).get(reverse("restaurant_create")).content.decode()

    assert "data-location-picker" in page
    assert 'data-lat-field="id_latitude"' in page
    assert "vendor/leaflet/leaflet.js" in page


def test_without_map_tiles_the_coordinates_can_still_be_typed(member, web_client_for, settings):
    settings.MAP_TILES_URL = ""

    page = web_client_for(member).get(reverse("restaurant_create")).content.decode()

    assert "data-location-picker" not in page
    assert 'name="latitude"' in page


def test_a_position_picked_on_the_map_is_saved(member, web_client_for):
    spoon = RestaurantFactory(owner=member, name="Golden Spoon")

    response = web_client_for(member).post(
        reverse("restaurant_edit", args=[spoon.pk]),
        {"name": "Golden Spoon", "city": "Boston", "country": "US", "latitude": "42.355433", "longitude": "-71.064040"},
    )

    assert response.status_code == HTTPStatus.FOUND
    spoon.refresh_from_db()
    assert (spoon.latitude, spoon.longitude) == (Decimal("42.355433"), Decimal("-71.064040"))


def test_one_coordinate_without_the_other_is_refused_on_the_missing_one(member, web_client_for):
    response = web_client_for(member).post(
        reverse("restaurant_create"), {"name": "Golden Spoon", "country": "US", "latitude": "42.355433"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "id_longitude_error" in response.content.decode()
    assert not Restaurant.objects.exists()


def test_a_latitude_beyond_the_pole_is_refused(member, web_client_for):
    response = web_client_for(member).post(
        reverse("restaurant_create"), {"name": "Golden Spoon", "latitude": "95", "longitude": "10"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "id_latitude_error" in response.content.decode()
