"""A restaurant is its place id when it has one, else its name and address: two branches of a chain in one city
are two restaurants, and a new restaurant is linked to its brand, on the web, the API, the admin and the demo."""

from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expenses import services
from expenses.choices import ServiceLevel
from expenses.models import Restaurant
from expenses.tests.factories import MerchantFactory, RestaurantFactory
from mealtracker.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db
MIDTOWN = {"name": "Starbucks", "address_line_1": "1585 Broadway", "city": "New York", "postal_code": "10036",
           "country": "US"}  # fmt: skip
DOWNTOWN = {"name": "Starbucks", "address_line_1": "195 Broadway", "city": "New York", "postal_code": "10007",
            "country": "US"}  # fmt: skip


@pytest.fixture
def starbucks():
    return MerchantFactory(name="Starbucks", short_name="", cuisine="Cafe", service_level=ServiceLevel.QUICK_SERVICE)


def names_and_addresses(owner) -> list[tuple[str, str]]:
    return sorted(Restaurant.objects.filter(owner=owner).values_list("name", "address_line_1"))


# --- The rule, through the service -------------------------------------------------------------------------------


def test_two_branches_of_a_chain_in_one_city_are_two_restaurants(member):
    services.restaurant_create(owner=member, **MIDTOWN)
    services.restaurant_create(owner=member, **DOWNTOWN)
    assert names_and_addresses(member) == [("Starbucks", "1585 Broadway"), ("Starbucks", "195 Broadway")]


def test_two_places_with_different_ids_are_two_restaurants_even_at_one_address(member):
    services.restaurant_create(owner=member, **MIDTOWN, place_id="ChIJmidtown-a")
    services.restaurant_create(owner=member, **MIDTOWN, place_id="ChIJmidtown-b")
    assert Restaurant.objects.filter(owner=member).count() == 2


def test_the_same_place_id_twice_is_refused_on_place_id(member):
    services.restaurant_create(owner=member, **MIDTOWN, place_id="ChIJmidtown")
    with pytest.raises(Conflict) as refused:
        services.restaurant_create(owner=member, **DOWNTOWN, place_id=" ChIJmidtown ")
    assert refused.value.field == "place_id"
    assert refused.value.message == "You already saved this place as Starbucks."


def test_the_same_name_and_address_twice_is_refused_whatever_the_case_and_spacing(member):
    services.restaurant_create(owner=member, **MIDTOWN)
    with pytest.raises(Conflict) as refused:
        services.restaurant_create(
            owner=member, name=" STARBUCKS ", address_line_1="1585  broadway", city="new york", postal_code="10036",
            country="us", location_name="Times Square",
        )  # fmt: skip
    assert refused.value.field == "name"
    assert refused.value.message == (
        "You already have Starbucks at 1585 Broadway, New York, 10036, US; a second branch needs its own address "
        "or place."
    )


def test_line_two_and_region_do_not_tell_two_restaurants_apart(member):
    services.restaurant_create(owner=member, **MIDTOWN, address_line_2="Ste 4", region="NY")
    with pytest.raises(Conflict):
        services.restaurant_create(owner=member, **MIDTOWN, address_line_2="Suite 4", region="New York")


def test_a_restaurant_with_no_address_exists_once_by_its_name(member):
    services.restaurant_create(owner=member, name="Food Truck")
    with pytest.raises(Conflict) as refused:
        services.restaurant_create(owner=member, name="food truck")
    assert "with no address" in refused.value.message


def test_another_user_may_have_the_same_restaurant(member, outsider):
    services.restaurant_create(owner=member, **MIDTOWN)
    assert services.restaurant_create(owner=outsider, **MIDTOWN).owner == outsider


def test_moving_a_branch_onto_another_branchs_address_is_refused(member):
    services.restaurant_create(owner=member, **MIDTOWN)
    downtown = services.restaurant_create(owner=member, **DOWNTOWN)
    with pytest.raises(Conflict):
        services.restaurant_update(restaurant=downtown, address_line_1="1585 Broadway", postal_code="10036")
    downtown.refresh_from_db()
    assert downtown.address_line_1 == "195 Broadway"
    assert services.restaurant_update(restaurant=downtown, notes="By the park").notes == "By the park"


def test_a_new_restaurant_is_linked_to_its_brand_and_takes_its_facts(member, starbucks):
    restaurant = services.restaurant_create(owner=member, **MIDTOWN)
    assert (restaurant.merchant, restaurant.cuisine, restaurant.service_level) == (
        starbucks, "Cafe", ServiceLevel.QUICK_SERVICE
    )  # fmt: skip


def test_a_merchant_given_is_kept_and_a_restaurant_of_no_known_brand_stays_unlinked(member, starbucks):
    other = MerchantFactory(name="Blue Bottle")
    assert services.restaurant_create(owner=member, **MIDTOWN, merchant=other).merchant == other
    assert services.restaurant_create(owner=member, name="Corner Deli").merchant is None


def test_resolve_creates_each_identity_once_and_finds_the_ones_you_have(member, starbucks):
    midtown = services.restaurant_create(owner=member, **MIDTOWN)
    found = services.restaurants_resolve(
        owner=member, drafts=[{**MIDTOWN, "name": "starbucks"}, DOWNTOWN, {**DOWNTOWN, "city": "NEW YORK"}]
    )
    assert found[0] == midtown
    assert found[1] is found[2]
    assert (bool(found[1].pk), found[1].merchant) == (True, starbucks)
    assert Restaurant.objects.filter(owner=member).count() == 2


def test_resolve_refuses_bad_drafts_by_index_and_writes_nothing(member):
    with pytest.raises(services.RestaurantDraftsRefused) as refused:
        services.restaurants_resolve(owner=member, drafts=[MIDTOWN, {**DOWNTOWN, "country": "USA"}])
    assert list(refused.value.refused) == [1]
    assert refused.value.refused[1].field == "country"
    assert not Restaurant.objects.exists()


def test_resolve_refuses_each_repeat_of_a_bad_draft_and_shares_one_restaurant_between_repeats(member):
    bad = {**DOWNTOWN, "country": "USA"}
    with pytest.raises(services.RestaurantDraftsRefused) as refused:
        services.restaurants_resolve(owner=member, drafts=[bad, MIDTOWN, dict(bad)])
    assert list(refused.value.refused) == [0, 2]
    assert refused.value.refused[0].message == refused.value.refused[2].message
    assert not Restaurant.objects.exists()

    found = services.restaurants_resolve(owner=member, drafts=[MIDTOWN, DOWNTOWN, dict(MIDTOWN), dict(DOWNTOWN)])
    assert (found[0], found[1]) == (found[2], found[3])
    assert found[0] != found[1]
    assert Restaurant.objects.filter(owner=member).count() == 2


def test_resolve_queries_do_not_grow_with_the_restaurants(member, starbucks):
    def reads_for(count: int, prefix: str) -> int:
        drafts = [{**MIDTOWN, "address_line_1": f"{prefix} {n} Broadway"} for n in range(count)]
        with CaptureQueriesContext(connection) as captured:
            services.restaurants_resolve(owner=member, drafts=drafts)
        inserts = [query for query in captured if query["sql"].startswith("INSERT")]
        assert len(inserts) <= 2  # one bulk insert (SQLite splits it at its limit of bound parameters)
        return len(captured) - len(inserts)

    assert reads_for(60, "a") == reads_for(3, "b")
    assert Restaurant.objects.filter(owner=member, merchant=starbucks).count() == 63


# --- Every surface ------------------------------------------------------------------------------------------------


def test_web_form_adds_two_branches_and_links_them_to_their_brand(web_client_for, member, starbucks):
    client = web_client_for(member)
    for branch in (MIDTOWN, DOWNTOWN):
        assert client.post(reverse("restaurant_create"), branch).status_code == HTTPStatus.FOUND
    assert names_and_addresses(member) == [("Starbucks", "1585 Broadway"), ("Starbucks", "195 Broadway")]
    assert set(Restaurant.objects.filter(owner=member).values_list("merchant", flat=True)) == {starbucks.pk}


def test_web_form_refuses_the_same_branch_twice_on_name(web_client_for, member):
    client = web_client_for(member)
    client.post(reverse("restaurant_create"), MIDTOWN)
    response = client.post(reverse("restaurant_create"), {**MIDTOWN, "name": "starbucks"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["form"].errors["name"][0].startswith("You already have Starbucks at 1585 Broadway")


def test_api_adds_two_branches_linked_to_their_brand(api_client_for, member, starbucks):
    client = api_client_for(member)
    created = [client.post(reverse("expenses_api:restaurant-list"), branch) for branch in (MIDTOWN, DOWNTOWN)]
    assert [response.status_code for response in created] == [HTTPStatus.CREATED, HTTPStatus.CREATED]
    assert [response.json()["merchant"] for response in created] == [starbucks.pk, starbucks.pk]


def test_api_refuses_the_same_place_id_twice_with_a_409_on_place_id(api_client_for, member):
    client = api_client_for(member)
    client.post(reverse("expenses_api:restaurant-list"), {**MIDTOWN, "place_id": "ChIJmidtown"})
    response = client.post(reverse("expenses_api:restaurant-list"), {**DOWNTOWN, "place_id": "ChIJmidtown"})
    assert response.status_code == HTTPStatus.CONFLICT
    assert list(response.json()["errors"]) == ["place_id"]


def admin_add(client, owner, **fields):
    data = {"owner": owner.pk, "merchant": "", "service_level": "", "price_level": "", "rating": "", **fields}
    return client.post(reverse("admin:expenses_restaurant_add"), data)


def test_admin_adds_two_branches_linked_to_their_brand(web_client_for, site_admin, member, starbucks):
    client = web_client_for(site_admin)
    responses = [admin_add(client, member, **branch) for branch in (MIDTOWN, DOWNTOWN)]
    assert [response.status_code for response in responses] == [HTTPStatus.FOUND, HTTPStatus.FOUND]
    assert names_and_addresses(member) == [("Starbucks", "1585 Broadway"), ("Starbucks", "195 Broadway")]
    assert set(Restaurant.objects.filter(owner=member).values_list("merchant", flat=True)) == {starbucks.pk}


def test_admin_refuses_the_same_branch_twice_on_the_form(web_client_for, site_admin, member):
    client = web_client_for(site_admin)
    admin_add(client, member, **MIDTOWN)
    response = admin_add(client, member, **{**MIDTOWN, "address_line_1": "1585 BROADWAY"})
    assert response.status_code == HTTPStatus.OK  # the form again, with the refusal on its field
    assert response.context["adminform"].form.errors["name"][0].startswith("You already have Starbucks at")
    assert Restaurant.objects.filter(owner=member).count() == 1


def test_admin_edit_goes_through_the_same_rule(web_client_for, site_admin, member):
    RestaurantFactory(owner=member, **MIDTOWN)
    downtown = RestaurantFactory(owner=member, **DOWNTOWN)
    data = {**MIDTOWN, "merchant": "", "service_level": "", "price_level": "", "rating": ""}
    response = web_client_for(site_admin).post(reverse("admin:expenses_restaurant_change", args=[downtown.pk]), data)
    assert response.status_code == HTTPStatus.OK
    assert "name" in response.context["adminform"].form.errors
    downtown.refresh_from_db()
    assert downtown.address_line_1 == "195 Broadway"


def test_demo_restaurants_are_linked_to_their_brands(starbucks):
    chipotle = MerchantFactory(name="Chipotle", short_name="")
    call_command("seed_demo", "--expenses", "1", "--no-progress", stdout=StringIO())
    assert set(Restaurant.objects.filter(name="Chipotle").values_list("merchant", flat=True)) == {chipotle.pk}
    assert not Restaurant.objects.filter(name="Chipotle", merchant__isnull=True).exists()


def test_an_unknown_field_is_refused_by_name(member):
    with pytest.raises(DomainError) as refused:
        services.restaurant_create(owner=member, name="Cafe", colour="red")
    assert refused.value.field == "colour"
