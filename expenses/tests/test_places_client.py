import json
from decimal import Decimal

import pytest

from expenses.choices import ServiceLevel
from expenses.places import PlacesClient, PlacesUnavailable, place_to_restaurant_fields, places_enabled
from expenses.places.client import DETAILS_FIELDS, field_mask
from expenses.places.mapping import price_level
from expenses.tests.places_server import RECORDED, running_fake_places
from mealtracker.errors import DomainError, NotFound

pytestmark = pytest.mark.django_db  # responses are cached in the database cache
GOLDEN_SPOON = "ChIJgoldenspoon0001"


@pytest.fixture
def fake_places(settings):
    yield from running_fake_places(settings)


def recorded_place(place_id: str) -> dict:
    return json.loads((RECORDED / f"place_{place_id}.json").read_text())


def test_places_are_off_without_a_key(settings):
    settings.PLACES_API_KEY = ""

    assert places_enabled() is False
    with pytest.raises(PlacesUnavailable):
        PlacesClient()


def test_text_search_posts_the_query_with_the_key_and_a_field_mask_in_headers(fake_places):
    places = PlacesClient().search_text("golden spoon boston", latitude=42.35, longitude=-71.06, radius_m=2000)

    [request] = fake_places.requests
    assert (request["method"], request["path"]) == ("POST", "/v1/places:searchText")
    assert request["headers"]["x-goog-api-key"] == "test-server-key"
    assert "places.displayName" in request["headers"]["x-goog-fieldmask"]
    assert request["body"]["textQuery"] == "golden spoon boston"
    assert request["body"]["locationBias"]["circle"]["radius"] == 2000.0
    assert [place["id"] for place in places] == [GOLDEN_SPOON, "ChIJgoldenspoon0002"]


def test_place_details_are_fetched_by_id_with_a_get(fake_places):
    place = PlacesClient().place(GOLDEN_SPOON)

    assert fake_places.requests[0]["method"] == "GET"
    assert fake_places.requests[0]["path"] == f"/v1/places/{GOLDEN_SPOON}"
    assert place["displayName"]["text"] == "The Golden Spoon"


@pytest.mark.parametrize(
    ("tier", "has_name", "has_phone"),
    [("essentials", False, False), ("pro", True, False), ("enterprise", True, True)],
)
def test_the_field_mask_asks_only_for_the_fields_of_the_billing_tier(fake_places, tier, has_name, has_phone):
    PlacesClient(tier=tier).place(GOLDEN_SPOON)

    mask = fake_places.requests[0]["headers"]["x-goog-fieldmask"].split(",")
    assert "addressComponents" in mask
    assert ("displayName" in mask) is has_name
    assert ("nationalPhoneNumber" in mask) is has_phone


def test_an_unknown_tier_is_a_programming_error():
    with pytest.raises(ValueError, match="tier"):
        field_mask(DETAILS_FIELDS, "platinum")


def test_a_second_identical_call_is_answered_from_the_cache(fake_places):
    PlacesClient().place(GOLDEN_SPOON)
    PlacesClient().place(GOLDEN_SPOON)

    assert len(fake_places.requests) == 1


def test_a_different_tier_is_cached_separately(fake_places):
    PlacesClient(tier="pro").place(GOLDEN_SPOON)
    PlacesClient(tier="enterprise").place(GOLDEN_SPOON)

    assert len(fake_places.requests) == 2


def test_an_unknown_place_is_not_found(fake_places):
    with pytest.raises(NotFound):
        PlacesClient().place("ChIJdoesnotexist00")


def test_a_malformed_place_id_never_reaches_google(fake_places):
    with pytest.raises(DomainError):
        PlacesClient().place("../../admin")

    assert fake_places.requests == []


@pytest.mark.parametrize("status", [500, 503, 429, 403])
def test_an_upstream_error_is_a_clear_places_unavailable_error(fake_places, status):
    fake_places.fail_with = status

    with pytest.raises(PlacesUnavailable) as raised:
        PlacesClient().place(GOLDEN_SPOON)

    assert "Upstream trouble" not in raised.value.message  # Google's own message stays in the logs


def test_an_upstream_error_is_not_cached(fake_places):
    fake_places.fail_with = 500
    with pytest.raises(PlacesUnavailable):
        PlacesClient().place(GOLDEN_SPOON)
    fake_places.fail_with = None

    assert PlacesClient().place(GOLDEN_SPOON)["id"] == GOLDEN_SPOON


def test_a_slow_upstream_times_out_as_places_unavailable(fake_places):
    fake_places.slow_seconds = 2

    with pytest.raises(PlacesUnavailable, match="in time"):
        PlacesClient(timeout=0.2).place(GOLDEN_SPOON)


def test_an_unreachable_upstream_is_places_unavailable(settings):
    settings.PLACES_API_KEY = "key"

    with pytest.raises(PlacesUnavailable):
        PlacesClient(base_url="http://127.0.0.1:9/v1", timeout=0.5).place(GOLDEN_SPOON)


def test_an_empty_search_is_refused():
    with pytest.raises(DomainError):
        PlacesClient(api_key="key").search_text("   ")


def test_a_place_maps_to_restaurant_address_contact_price_and_decimal_coordinates():
    fields = place_to_restaurant_fields(recorded_place(GOLDEN_SPOON))

    assert fields == {
        "name": "The Golden Spoon",
        "place_id": GOLDEN_SPOON,
        "address_line_1": "123 Main Street",
        "city": "Boston",
        "region": "MA",
        "postal_code": "02110",
        "country": "US",
        "phone": "(617) 555-0123",
        "website": "https://www.goldenspoon.example/",
        "price_level": 2,
        "latitude": Decimal("42.355433"),
        "longitude": Decimal("-71.064040"),
        "cuisine": "Italian",
        "service_level": ServiceLevel.CASUAL_DINING,
    }


def test_a_suite_becomes_the_second_address_line_and_fast_food_is_quick_service():
    fields = place_to_restaurant_fields(recorded_place("ChIJchipotlebranch01"))

    assert fields["address_line_2"] == "Suite 4"
    assert (fields["cuisine"], fields["service_level"]) == ("Mexican", ServiceLevel.QUICK_SERVICE)


def test_fields_missing_from_a_lower_tier_response_are_left_out_rather_than_blanked():
    place = recorded_place(GOLDEN_SPOON)
    for enterprise_field in ("nationalPhoneNumber", "internationalPhoneNumber", "websiteUri", "priceLevel"):
        place.pop(enterprise_field)

    fields = place_to_restaurant_fields(place)

    assert {"phone", "website", "price_level"}.isdisjoint(fields)


@pytest.mark.parametrize(
    ("level", "number"),
    [
        ("PRICE_LEVEL_FREE", 0), ("PRICE_LEVEL_INEXPENSIVE", 1), ("PRICE_LEVEL_MODERATE", 2),
        ("PRICE_LEVEL_EXPENSIVE", 3), ("PRICE_LEVEL_VERY_EXPENSIVE", 4), ("PRICE_LEVEL_UNSPECIFIED", None),
    ],
)  # fmt: skip
def test_google_price_levels_become_zero_to_four(level, number):
    assert price_level(level) == number


@pytest.mark.parametrize("base_url", ["file:///etc/passwd", "ftp://example.com/v1", "places.googleapis.com/v1"])
def test_a_base_url_that_is_not_http_is_refused_before_anything_is_opened(base_url):
    with pytest.raises(PlacesUnavailable):
        PlacesClient(api_key="server-key", base_url=base_url)
