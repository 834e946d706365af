"""'Near me' list (distance in SQL) and the restaurants map's data island; the list never depends on the map."""

import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.tests.factories import RestaurantFactory

pytestmark = pytest.mark.django_db
NEAR = reverse("restaurants_near_me")
BOSTON = {"lat": "42.3554", "lng": "-71.0640"}


@pytest.fixture
def places(member):
    return {
        "spoon": RestaurantFactory(owner=member, name="Golden Spoon", latitude=Decimal("42.355433"),
                                   longitude=Decimal("-71.064040")),
        "harbor": RestaurantFactory(owner=member, name="Harbor Grill", latitude=Decimal("42.360000"),
                                    longitude=Decimal("-71.050000")),
        "portland": RestaurantFactory(owner=member, name="Blue Harbor Cafe", latitude=Decimal("43.657000"),
                                      longitude=Decimal("-70.259000")),
        "nowhere": RestaurantFactory(owner=member, name="No Coordinates", latitude=None, longitude=None),
    }  # fmt: skip


def test_without_a_position_the_page_asks_for_one(member, web_client_for):
    response = web_client_for(member).get(NEAR)

    assert response.status_code == HTTPStatus.OK
    assert b"data-use-my-location" in response.content
    assert b"js/restaurants-map.js" in response.content


def test_near_me_lists_only_restaurants_within_the_radius_nearest_first(member, web_client_for, places):
    response = web_client_for(member).get(NEAR, {**BOSTON, "radius": 5})

    text = response.content.decode()
    assert text.count('data-testid="nearby"') == 2
    assert text.index("Golden Spoon") < text.index("Harbor Grill")
    assert "Blue Harbor Cafe" not in text


def test_near_me_never_shows_another_users_restaurants(member, outsider, web_client_for, places):
    RestaurantFactory(owner=outsider, name="Outsider Diner", latitude=Decimal("42.3554"), longitude=Decimal("-71.064"))

    text = web_client_for(member).get(NEAR, BOSTON).content.decode()

    assert "Outsider Diner" not in text


def test_a_position_out_of_range_is_a_clear_400(member, web_client_for):
    response = web_client_for(member).get(NEAR, {"lat": "123", "lng": "0"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "latitude" in response.content.decode()


def _island(response) -> list[dict]:
    text = response.content.decode()
    start = text.index('<script id="restaurant-map-points" type="application/json">') + len(
        '<script id="restaurant-map-points" type="application/json">'
    )
    return json.loads(text[start : text.index("</script>", start)])


def test_the_restaurants_page_has_a_map_of_restaurants_with_coordinates(member, web_client_for, places, settings):
    response = web_client_for(member).get(reverse("restaurant_list"))

    points = _island(response)
    assert {point["name"] for point in points} == {"Golden Spoon", "Harbor Grill", "Blue Harbor Cafe"}
    assert f'data-tiles-url="{settings.MAP_TILES_URL}"'.encode() in response.content
    assert b"vendor/leaflet/leaflet.js" in response.content
    assert b"No Coordinates" in response.content  # still in the list


def test_without_a_tiles_url_there_is_no_map_but_the_list_remains(member, web_client_for, places, settings):
    settings.MAP_TILES_URL = ""

    response = web_client_for(member).get(reverse("restaurant_list"))

    assert b"data-restaurant-map" not in response.content
    assert b"leaflet.js" not in response.content
    assert b"Golden Spoon" in response.content


def test_the_tiles_host_is_allowed_by_the_content_security_policy(member, web_client_for, places, settings):
    response = web_client_for(member).get(reverse("restaurant_list"))

    img_src = next(part for part in response["Content-Security-Policy"].split(";") if "img-src" in part)
    assert "https://tile.openstreetmap.org" in img_src
    assert "script-src 'self'" in response["Content-Security-Policy"]
