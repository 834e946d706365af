"""Places in the API, through HTTP against the recorded fake Places server: search by text or near a point, details,
add from a place; the server's key and field masks, the cache, and the per-user budget shared with the web."""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.urls import reverse

from expenses.models import Restaurant
from expenses.tests.factories import RestaurantFactory
from expenses.tests.places_server import running_fake_places

pytestmark = pytest.mark.django_db
GOLDEN_SPOON = "ChIJgoldenspoon0001"
SEARCH = reverse("expenses_api:place-search")


@pytest.fixture
def fake_places(settings):
    cache.clear()
    yield from running_fake_places(settings)


def test_a_text_search_answers_restaurant_fields_with_the_server_key_and_a_field_mask(
    fake_places, member, api_client_for
):
    answer = api_client_for(member).get(SEARCH, {"query": "golden spoon"})

    assert answer.status_code == HTTPStatus.OK
    results = answer.json()["results"]
    assert [place["place_id"] for place in results] == [GOLDEN_SPOON, "ChIJgoldenspoon0002"]
    assert results[0]["formatted_address"] == "123 Main St, Boston, MA 02110, USA"
    sent = fake_places.requests[0]
    assert sent["headers"]["x-goog-api-key"] == "test-server-key"
    assert "places.displayName" in sent["headers"]["x-goog-fieldmask"]
    assert "test-server-key" not in answer.content.decode()


def test_a_search_near_a_point_drops_places_outside_the_radius_and_says_which_you_saved(
    fake_places, member, api_client_for
):
    mine = RestaurantFactory(owner=member, name="The Golden Spoon", place_id=GOLDEN_SPOON)

    answer = api_client_for(member).get(SEARCH, {"latitude": "42.3554", "longitude": "-71.0640", "radius_km": "2"})

    results = answer.json()["results"]
    assert [(place["place_id"], place["already_saved"]) for place in results] == [(GOLDEN_SPOON, mine.pk)]
    assert results[0]["distance_km"] < 0.1
    assert fake_places.requests[0]["body"]["textQuery"] == "restaurants"
    assert "locationBias" in fake_places.requests[0]["body"]


def test_a_search_is_cached(fake_places, member, api_client_for):
    client = api_client_for(member)

    client.get(SEARCH, {"query": "golden spoon"})
    client.get(SEARCH, {"query": "golden spoon"})

    assert len(fake_places.requests) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "query"), ({"latitude": "42"}, "longitude"), ({"query": "x", "radius_km": "900"}, "radius_km")],
)
def test_a_search_without_words_or_point_is_a_400_naming_the_field(fake_places, member, api_client_for, params, field):
    answer = api_client_for(member).get(SEARCH, params)

    assert answer.status_code == HTTPStatus.BAD_REQUEST
    assert field in answer.json()["errors"]


def test_details_of_a_place(fake_places, member, api_client_for):
    answer = api_client_for(member).get(reverse("expenses_api:place-detail", args=[GOLDEN_SPOON]))

    assert answer.status_code == HTTPStatus.OK
    assert (answer.json()["name"], answer.json()["city"]) == ("The Golden Spoon", "Boston")


def test_add_from_a_place_creates_the_callers_restaurant_once(fake_places, member, api_client_for):
    client = api_client_for(member)
    url = reverse("expenses_api:place-add", args=[GOLDEN_SPOON])

    first = client.post(url)
    again = client.post(url)

    assert first.status_code == HTTPStatus.CREATED
    assert first.json()["place_id"] == GOLDEN_SPOON
    assert Restaurant.objects.get(owner=member).name == "The Golden Spoon"
    assert again.status_code == HTTPStatus.CONFLICT


def test_the_paid_lookup_budget_is_shared_with_the_web_pages(fake_places, settings, member, api_client_for):
    settings.PLACES_USER_CALLS_PER_MINUTE = 2
    client = api_client_for(member)

    answers = [client.get(SEARCH, {"query": f"spoon {n}"}).status_code for n in range(3)]

    assert answers == [HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS]


def test_an_outage_is_a_503_and_an_unknown_place_a_404(fake_places, member, api_client_for):
    client = api_client_for(member)
    missing = client.get(reverse("expenses_api:place-detail", args=["ChIJnothinghere00"]))
    fake_places.fail_with = 500

    down = client.get(SEARCH, {"query": "golden spoon"})

    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert down.status_code == HTTPStatus.SERVICE_UNAVAILABLE


def test_without_a_places_key_the_routes_are_not_found(settings, member, api_client_for):
    settings.PLACES_API_KEY = ""

    answer = api_client_for(member).get(SEARCH, {"query": "golden spoon"})

    assert answer.status_code == HTTPStatus.NOT_FOUND


def test_anonymous_callers_cannot_spend_lookups(fake_places, api_client_for):
    assert api_client_for(None).get(SEARCH, {"query": "golden spoon"}).status_code == HTTPStatus.UNAUTHORIZED
    assert fake_places.requests == []
