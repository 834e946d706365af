"""The restaurants map and "near me" (markers even when tiles cannot load), and a restaurant's position picked on the
map of its form."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD
from expenses.tests.factories import RestaurantFactory

pytestmark = pytest.mark.browser


def test_the_restaurants_map_shows_markers_when_tiles_cannot_load_and_near_me_uses_the_location(
    page, live_server, sign_in, member, screenshot, accessibility_problems
):
    RestaurantFactory(owner=member, name="Golden Spoon", latitude=Decimal("42.355433"), longitude=Decimal("-71.06404"))
    RestaurantFactory(owner=member, name="Harbor Grill", latitude=Decimal("42.36"), longitude=Decimal("-71.05"))
    RestaurantFactory(owner=member, name="Blue Harbor Cafe", latitude=Decimal("43.657"), longitude=Decimal("-70.259"))
    blocked = []
    page.route("https://tile.openstreetmap.org/**", lambda route: (blocked.append(route.request.url), route.abort()))
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 42.3554, "longitude": -71.064})
    sign_in(page, "member@example.com", TEST_PASSWORD)

    page.goto(f"{live_server.url}{reverse('restaurant_list')}")
    expect(page.locator("[data-restaurant-map]")).to_have_attribute("data-map-ready", "3")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(3)
    expect(page.get_by_role("link", name="Golden Spoon").first).to_be_visible()
    assert blocked  # tiles were asked for and failed; the page carried on
    screenshot(page, "phone-restaurants-map")
    assert accessibility_problems(page) == []

    page.get_by_role("link", name="Near me").click()
    page.get_by_role("button", name="Use my location").click()
    expect(page.get_by_test_id("nearby")).to_have_count(2)
    expect(page.get_by_test_id("nearby").first).to_contain_text("Golden Spoon")


def test_a_restaurants_position_is_picked_on_the_map(page, live_server, sign_in, member):
    spoon = RestaurantFactory(owner=member, name="Golden Spoon", city="Boston")
    page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())
    sign_in(page, "member@example.com", TEST_PASSWORD)

    page.goto(f"{live_server.url}{reverse('restaurant_edit', args=[spoon.pk])}")
    picker = page.locator("[data-location-picker]")
    expect(picker).to_have_attribute("data-map-ready", "1")
    picker.locator("[data-location-map]").click(position={"x": 120, "y": 100})

    expect(picker).to_have_attribute("data-pinned", "1")
    latitude = page.get_by_label("Latitude").input_value()
    longitude = page.get_by_label("Longitude").input_value()
    assert latitude != ""
    assert longitude != ""
    page.get_by_role("button", name="Save restaurant").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Golden Spoon")
    spoon.refresh_from_db()
    assert (str(spoon.latitude), str(spoon.longitude)) == (latitude, longitude)
