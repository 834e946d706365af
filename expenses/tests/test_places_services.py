from decimal import Decimal

import pytest

from expenses.choices import ServiceLevel
from expenses.places import PlacesUnavailable
from expenses.services.places import (
    place_search,
    restaurant_apply_place_fixes,
    restaurant_compare_with_place,
    restaurant_from_place,
)
from expenses.tests.factories import MerchantFactory, RestaurantFactory
from expenses.tests.places_server import running_fake_places
from mealtracker.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db
GOLDEN_SPOON = "ChIJgoldenspoon0001"
CHIPOTLE = "ChIJchipotlebranch01"


@pytest.fixture
def fake_places(settings):
    yield from running_fake_places(settings)


@pytest.fixture
def stored(member):
    """The Golden Spoon as the member saved it: Google agrees on everything."""
    return RestaurantFactory(
        owner=member, name="The Golden Spoon", place_id=GOLDEN_SPOON, address_line_1="123 Main St", city="Boston",
        region="MA", postal_code="02110", country="US", phone="617-555-0123", website="http://goldenspoon.example",
        price_level=2, cuisine="Italian", service_level=ServiceLevel.CASUAL_DINING,
        latitude=Decimal("42.355400"), longitude=Decimal("-71.064000"),
    )  # fmt: skip


def test_a_restaurant_is_created_from_a_place_for_its_owner(fake_places, member):
    restaurant = restaurant_from_place(owner=member, place_id=GOLDEN_SPOON)

    assert restaurant.owner == member
    assert (restaurant.name, restaurant.city, restaurant.place_id) == ("The Golden Spoon", "Boston", GOLDEN_SPOON)
    assert restaurant.latitude == Decimal("42.355433")


def test_the_same_place_cannot_be_added_twice_by_one_user(fake_places, member):
    restaurant_from_place(owner=member, place_id=GOLDEN_SPOON)

    with pytest.raises(Conflict):
        restaurant_from_place(owner=member, place_id=GOLDEN_SPOON)


def test_two_users_can_each_add_the_same_place(fake_places, member, outsider):
    restaurant_from_place(owner=member, place_id=GOLDEN_SPOON)

    assert restaurant_from_place(owner=outsider, place_id=GOLDEN_SPOON).owner == outsider


def test_a_place_of_a_known_chain_is_linked_to_its_merchant_by_website(fake_places, member):
    chipotle = MerchantFactory(name="Chipotle Mexican Grill", website="https://www.chipotle.com/")

    restaurant = restaurant_from_place(owner=member, place_id=CHIPOTLE)

    assert restaurant.merchant == chipotle


def test_adding_from_a_place_asks_at_least_for_pro_fields_to_get_a_name(fake_places, member, settings):
    settings.PLACES_FIELD_TIER = "essentials"

    restaurant_from_place(owner=member, place_id=GOLDEN_SPOON)

    mask = fake_places.requests[0]["headers"]["x-goog-fieldmask"]
    assert "displayName" in mask
    assert "nationalPhoneNumber" not in mask


def test_adding_from_a_place_without_a_key_is_unavailable(member, settings):
    settings.PLACES_API_KEY = ""

    with pytest.raises(PlacesUnavailable):
        restaurant_from_place(owner=member, place_id=GOLDEN_SPOON)


def test_a_restaurant_that_agrees_with_google_has_no_differences(fake_places, stored):
    assert restaurant_compare_with_place(stored) == []


def test_differences_are_listed_field_by_field_with_googles_value(fake_places, stored):
    stored.phone = "617-555-9999"
    stored.price_level = 4
    stored.cuisine = ""
    stored.save()

    differences = {d.field: d for d in restaurant_compare_with_place(stored)}

    assert set(differences) == {"phone", "price_level", "cuisine"}
    assert differences["phone"].google == "(617) 555-0123"
    assert differences["cuisine"].kind == "missing"
    assert differences["price_level"].kind == "different"


def test_coordinates_more_than_fifty_metres_away_are_a_location_difference(fake_places, stored):
    stored.latitude = Decimal("42.360000")
    stored.save()

    [difference] = restaurant_compare_with_place(stored)

    assert difference.field == "location"
    assert difference.google == (Decimal("42.355433"), Decimal("-71.064040"))


def test_a_restaurant_without_a_place_id_cannot_be_compared(fake_places, member):
    with pytest.raises(DomainError):
        restaurant_compare_with_place(RestaurantFactory(owner=member, place_id=None))


def test_applying_fixes_copies_only_the_chosen_fields_from_google(fake_places, stored):
    stored.phone = "617-555-9999"
    stored.price_level = 4
    stored.latitude = Decimal("42.360000")
    stored.save()

    restaurant_apply_place_fixes(restaurant=stored, fields=["phone", "location"])

    stored.refresh_from_db()
    assert stored.phone == "(617) 555-0123"
    assert stored.latitude == Decimal("42.355433")
    assert stored.price_level == 4


def test_applying_a_fix_to_an_unknown_field_is_refused(fake_places, stored):
    with pytest.raises(DomainError):
        restaurant_apply_place_fixes(restaurant=stored, fields=["owner"])


def test_comparing_twice_calls_google_once(fake_places, stored):
    restaurant_compare_with_place(stored)
    restaurant_compare_with_place(stored)

    assert len(fake_places.requests) == 1


def test_a_place_search_returns_restaurant_fields_and_marks_places_already_saved(fake_places, stored):
    results = place_search(user=stored.owner, query="golden spoon")

    assert [(r["name"], r["already_saved"]) for r in results] == [
        ("The Golden Spoon", stored.pk),
        ("Golden Spoon Diner", None),
    ]


def test_a_place_search_around_a_point_drops_results_outside_the_radius(fake_places, member):
    results = place_search(user=member, query="golden spoon", latitude=42.3551, longitude=-71.0656, radius_km=3)

    assert [r["name"] for r in results] == ["The Golden Spoon"]
    assert results[0]["distance_km"] < 0.2
