"""Finding the place id of a restaurant saved without one, against the recorded fake Places server: one match,
several, none, an outage; stored only when accepted (on the page, or with --yes for a confident single match)."""

from decimal import Decimal
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse

from expenses.tests.factories import RestaurantFactory
from expenses.tests.places_server import running_fake_places

pytestmark = pytest.mark.django_db
GOLDEN_SPOON = "ChIJgoldenspoon0001"


@pytest.fixture
def fake_places(settings):
    cache.clear()  # answers are cached by request: each test starts from the server
    yield from running_fake_places(settings)


@pytest.fixture
def spoon(member):
    return RestaurantFactory(
        owner=member, name="The Golden Spoon", address_line_1="123 Main St", city="Boston", region="MA",
        postal_code="02110", country="US", latitude=Decimal("42.355400"), longitude=Decimal("-71.064000"),
        place_id=None,
    )  # fmt: skip


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("validate_restaurants", "--find-place-id", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_one_confident_match_is_listed_with_its_distance_and_address_and_stored_only_with_yes(fake_places, spoon):
    fake_places.search_fixture = "golden_spoon_only"

    listed, _ = run()
    spoon.refresh_from_db()
    assert spoon.place_id is None
    stored, _ = run("--yes")

    assert "1. The Golden Spoon - 123 Main St, Boston, MA 02110, USA (5 m) place ChIJgoldenspoon0001" in listed
    assert "1 with one confident match" in listed
    assert "stored ChIJgoldenspoon0001" in stored
    spoon.refresh_from_db()
    assert spoon.place_id == GOLDEN_SPOON
    search = fake_places.requests[0]
    assert search["body"]["textQuery"] == "The Golden Spoon, 123 Main St, Boston, MA, 02110 US"
    assert search["headers"]["x-goog-api-key"] == "test-server-key"


def test_several_candidates_are_listed_nearest_first_and_yes_stores_none(fake_places, spoon):
    out, _ = run("--yes")

    assert out.index("1. The Golden Spoon") < out.index("2. Golden Spoon Diner")
    assert "9 Harbor Rd, Quincy, MA 02169, USA (12.5 km) place ChIJgoldenspoon0002" in out
    assert "1 to choose" in out
    spoon.refresh_from_db()
    assert spoon.place_id is None


def test_interactive_stores_the_chosen_candidate(fake_places, spoon, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "2")

    run("--interactive")

    spoon.refresh_from_db()
    assert spoon.place_id == "ChIJgoldenspoon0002"


def test_no_candidate_is_said_and_nothing_stored(fake_places, spoon):
    fake_places.search_fixture = "nothing"

    out, _ = run("--yes")

    assert "no candidate found" in out
    assert "1 without a candidate" in out


def test_dry_run_says_what_it_would_store(fake_places, spoon):
    fake_places.search_fixture = "golden_spoon_only"

    out, _ = run("--yes", "--dry-run")

    assert "would store ChIJgoldenspoon0001 (dry run)" in out
    spoon.refresh_from_db()
    assert spoon.place_id is None


def test_an_outage_stops_the_run_with_a_summary(fake_places, spoon):
    fake_places.fail_with = 503

    with pytest.raises(CommandError, match="Stopped: Google Places answered with an error"):
        run("--yes")


def test_the_per_user_limit_leaves_the_rest_for_the_next_run(fake_places, member, spoon):
    RestaurantFactory(owner=member, name="Second Place", city="Boston", place_id=None)

    out, _ = run("--limit", "1")

    assert "Searched 1 restaurants" in out
    assert "1 left for the next run" in out


def test_restaurants_that_have_a_place_id_are_not_searched(fake_places, member):
    RestaurantFactory(owner=member, name="Known", place_id="ChIJknown000001")

    out, _ = run()

    assert "Searched 0 restaurants" in out
    assert fake_places.requests == []


def test_the_page_lists_candidates_and_stores_the_one_chosen(fake_places, spoon, member, web_client_for):
    client = web_client_for(member)
    url = reverse("restaurant_find_place_id", args=[spoon.pk])

    page = client.get(url)
    chosen = client.post(url, {"place_id": "ChIJgoldenspoon0002"})

    assert page.status_code == HTTPStatus.OK
    body = page.content.decode()
    assert "123 Main St, Boston, MA 02110, USA" in body
    assert "9 Harbor Rd, Quincy" in body
    assert chosen.status_code == HTTPStatus.FOUND
    spoon.refresh_from_db()
    assert spoon.place_id == "ChIJgoldenspoon0002"


def test_the_page_says_google_is_down_and_hides_anothers_restaurant(fake_places, spoon, outsider, web_client_for):
    fake_places.fail_with = 500

    down = web_client_for(spoon.owner).get(reverse("restaurant_find_place_id", args=[spoon.pk]))
    theirs = web_client_for(outsider).get(reverse("restaurant_find_place_id", args=[spoon.pk]))

    assert down.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert theirs.status_code == HTTPStatus.NOT_FOUND


def test_the_page_refuses_a_place_another_restaurant_has(fake_places, spoon, member, web_client_for):
    RestaurantFactory(owner=member, name="Spoon copy", place_id=GOLDEN_SPOON)

    answer = web_client_for(member).post(
        reverse("restaurant_find_place_id", args=[spoon.pk]), {"place_id": GOLDEN_SPOON}
    )

    assert answer.status_code == HTTPStatus.CONFLICT
    spoon.refresh_from_db()
    assert spoon.place_id is None
