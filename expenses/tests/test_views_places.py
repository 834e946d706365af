"""Place lookup pages end to end against the recorded fake Places server on 127.0.0.1."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.choices import ServiceLevel
from expenses.models import Restaurant
from expenses.tests.factories import RestaurantFactory
from expenses.tests.places_server import running_fake_places

pytestmark = pytest.mark.django_db
GOLDEN_SPOON = "ChIJgoldenspoon0001"
SEARCH = reverse("place_add_from_search")


@pytest.fixture
def fake_places(settings):
    yield from running_fake_places(settings)


@pytest.fixture
def stored(member):
    return RestaurantFactory(
        owner=member, name="The Golden Spoon", place_id=GOLDEN_SPOON, address_line_1="123 Main St", city="Boston",
        region="MA", postal_code="02110", country="US", phone="617-555-9999", website="http://goldenspoon.example",
        price_level=2, cuisine="", service_level=ServiceLevel.CASUAL_DINING,
        latitude=Decimal("42.355400"), longitude=Decimal("-71.064000"),
    )  # fmt: skip


def test_without_a_places_key_the_pages_and_links_are_hidden(member, web_client_for, settings):
    settings.PLACES_API_KEY = ""
    client = web_client_for(member)
    restaurant = RestaurantFactory(owner=member, place_id=GOLDEN_SPOON)

    listing = client.get(reverse("restaurant_list")).content.decode()
    detail = client.get(reverse("restaurant_detail", args=[restaurant.pk])).content.decode()

    assert "Add from Google" not in listing
    assert "Check against Google" not in detail
    assert client.get(SEARCH).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("restaurant_check", args=[restaurant.pk])).status_code == HTTPStatus.NOT_FOUND


def test_the_pages_need_a_signed_in_user(client, fake_places):
    response = client.get(SEARCH, {"q": "golden spoon"})

    assert response.status_code == HTTPStatus.FOUND
    assert fake_places.requests == []


def test_a_search_lists_googles_places_without_ever_showing_the_key(member, web_client_for, fake_places):
    response = web_client_for(member).get(SEARCH, {"q": "golden spoon boston"})

    text = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert text.count('data-testid="place-result"') == 2
    assert "The Golden Spoon" in text
    assert "Golden Spoon Diner" in text
    assert "test-server-key" not in text
    assert fake_places.requests[0]["headers"]["x-goog-api-key"] == "test-server-key"


def test_a_place_already_saved_links_to_the_restaurant_instead_of_add(member, web_client_for, fake_places, stored):
    text = web_client_for(member).get(SEARCH, {"q": "golden spoon"}).content.decode()

    assert reverse("restaurant_detail", args=[stored.pk]) in text
    assert f'value="{GOLDEN_SPOON}"' not in text


def test_adding_a_place_creates_the_users_restaurant_and_opens_it(member, web_client_for, fake_places):
    response = web_client_for(member).post(SEARCH, {"place_id": GOLDEN_SPOON})

    restaurant = Restaurant.objects.get(owner=member, place_id=GOLDEN_SPOON)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("restaurant_detail", args=[restaurant.pk])
    assert (restaurant.name, restaurant.city) == ("The Golden Spoon", "Boston")


def test_adding_the_same_place_twice_says_so(member, web_client_for, fake_places, stored):
    response = web_client_for(member).post(SEARCH, {"place_id": GOLDEN_SPOON})

    assert response.status_code == HTTPStatus.CONFLICT
    assert Restaurant.objects.filter(owner=member).count() == 1


def test_a_google_outage_is_a_clear_message_not_an_error_page(member, web_client_for, fake_places):
    fake_places.fail_with = 500

    response = web_client_for(member).get(SEARCH, {"q": "golden spoon"})

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert 'role="alert"' in response.content.decode()
    assert "Upstream trouble" not in response.content.decode()


def test_lookups_are_throttled_per_user(member, outsider, web_client_for, fake_places, settings):
    settings.PLACES_USER_CALLS_PER_MINUTE = 2
    client = web_client_for(member)

    statuses = [client.get(SEARCH, {"q": f"spoon {n}"}).status_code for n in range(3)]
    other = web_client_for(outsider).get(SEARCH, {"q": "spoon"}).status_code

    assert statuses == [HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS]
    assert other == HTTPStatus.OK
    assert len(fake_places.requests) == 3


def test_the_check_page_lists_differences_field_by_field(member, web_client_for, fake_places, stored):
    text = web_client_for(member).get(reverse("restaurant_check", args=[stored.pk])).content.decode()

    assert 'data-difference="phone"' in text
    assert 'data-difference="cuisine"' in text
    assert "(617) 555-0123" in text
    assert 'data-difference="name"' not in text


def test_applying_the_chosen_fixes_changes_only_those_fields(member, web_client_for, fake_places, stored):
    response = web_client_for(member).post(reverse("restaurant_check", args=[stored.pk]), {"fields": ["phone"]})

    stored.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert stored.phone == "(617) 555-0123"
    assert stored.cuisine == ""


def test_someone_elses_restaurant_cannot_be_checked(outsider, web_client_for, fake_places, stored):
    response = web_client_for(outsider).get(reverse("restaurant_check", args=[stored.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert fake_places.requests == []


def test_the_restaurant_pages_link_to_the_lookups_when_a_key_is_set(member, web_client_for, fake_places, stored):
    client = web_client_for(member)

    assert "Add from Google" in client.get(reverse("restaurant_list")).content.decode()
    assert "Check against Google" in client.get(reverse("restaurant_detail", args=[stored.pk])).content.decode()
