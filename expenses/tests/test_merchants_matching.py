import pytest

from expenses.merchant_selectors import (
    merchant_link_suggestions,
    merchant_match_for_restaurant,
    name_prefixes,
    website_host,
)
from expenses.services.merchant_links import merchant_link_apply
from expenses.services.merchants import merchant_create
from expenses.tests.factories import MerchantFactory, RestaurantFactory
from mealtracker.errors import DomainError, NotAllowed, NotFound

pytestmark = pytest.mark.django_db


def test_a_restaurant_matches_the_merchant_with_the_same_website_host(member):
    chipotle = MerchantFactory(name="Chipotle Mexican Grill", website="https://www.chipotle.com/")
    restaurant = RestaurantFactory(owner=member, name="Burrito place", website="https://locations.chipotle.com/ma")

    assert merchant_match_for_restaurant(restaurant) == chipotle


def test_the_website_wins_over_the_name(member):
    MerchantFactory(name="Burger")
    five_guys = MerchantFactory(name="Five Guys", website="https://fiveguys.com")
    restaurant = RestaurantFactory(owner=member, name="Burger joint", website="http://www.fiveguys.com/menu")

    assert merchant_match_for_restaurant(restaurant) == five_guys


def test_a_restaurant_matches_the_merchant_whose_name_its_own_begins_with(member):
    chipotle = MerchantFactory(name="Chipotle")
    restaurant = RestaurantFactory(owner=member, name="Chipotle - Back Bay")

    assert merchant_match_for_restaurant(restaurant) == chipotle


def test_the_longest_matching_merchant_name_wins(member):
    MerchantFactory(name="Pizza")
    pizza_hut = MerchantFactory(name="Pizza Hut")

    assert merchant_match_for_restaurant(RestaurantFactory(owner=member, name="Pizza Hut Express")) == pizza_hut


def test_a_merchant_short_name_matches_too(member):
    mcdonalds = MerchantFactory(name="McDonald's Corporation", short_name="McDonald's")

    assert merchant_match_for_restaurant(RestaurantFactory(owner=member, name="McDonald's Airport")) == mcdonalds


def test_a_name_prefix_must_end_at_a_word_boundary(member):
    MerchantFactory(name="Sub")

    assert merchant_match_for_restaurant(RestaurantFactory(owner=member, name="Subway Station Deli")) is None


def test_a_restaurant_without_a_match_has_no_merchant(member):
    MerchantFactory(name="Chipotle", website="https://chipotle.com")

    assert merchant_match_for_restaurant(RestaurantFactory(owner=member, name="Mom's Diner")) is None


def test_matching_runs_in_sql_with_a_fixed_number_of_queries(member, django_assert_num_queries):
    MerchantFactory.create_batch(50)
    restaurant = RestaurantFactory(owner=member, name="Chain 7 Downtown", website="https://chain7.example")

    with django_assert_num_queries(2):  # one for names, one for websites, however big the catalogue
        merchant_match_for_restaurant(restaurant)


def test_suggestions_list_only_the_users_unlinked_restaurants_that_match(member, outsider):
    chipotle = MerchantFactory(name="Chipotle")
    unlinked = RestaurantFactory(owner=member, name="Chipotle Downtown")
    RestaurantFactory(owner=member, name="Chipotle Airport", merchant=chipotle)
    RestaurantFactory(owner=member, name="Mom's Diner")
    RestaurantFactory(owner=outsider, name="Chipotle Harbor")

    suggestions = merchant_link_suggestions(member)

    assert [(s.restaurant, s.merchant, s.reason) for s in suggestions] == [(unlinked, chipotle, "name")]


def test_suggestions_take_a_fixed_number_of_queries_for_many_restaurants(member, django_assert_max_num_queries):
    MerchantFactory(name="Chipotle", website="https://chipotle.com")
    RestaurantFactory.create_batch(30, owner=member, website="https://chipotle.com/x")

    with django_assert_max_num_queries(3):
        assert len(merchant_link_suggestions(member)) == 30


def test_applying_links_sets_the_merchant_and_fills_blank_cuisine_and_service_level(member):
    chipotle = MerchantFactory(name="Chipotle", cuisine="Mexican", service_level="fast_casual")
    restaurant = RestaurantFactory(owner=member, name="Chipotle Downtown", cuisine="")

    assert merchant_link_apply(actor=member, links=[(restaurant.pk, chipotle.pk)]) == 1

    restaurant.refresh_from_db()
    assert (restaurant.merchant, restaurant.cuisine, restaurant.service_level) == (chipotle, "Mexican", "fast_casual")


def test_applying_a_link_keeps_the_restaurants_own_cuisine(member):
    chipotle = MerchantFactory(name="Chipotle", cuisine="Mexican")
    restaurant = RestaurantFactory(owner=member, cuisine="Tex-Mex")

    merchant_link_apply(actor=member, links=[(restaurant.pk, chipotle.pk)])

    restaurant.refresh_from_db()
    assert restaurant.cuisine == "Tex-Mex"


def test_a_link_can_be_removed_with_none(member):
    restaurant = RestaurantFactory(owner=member, merchant=MerchantFactory())

    merchant_link_apply(actor=member, links=[(restaurant.pk, None)])

    restaurant.refresh_from_db()
    assert restaurant.merchant is None


def test_another_users_restaurant_cannot_be_linked(member, outsider):
    theirs = RestaurantFactory(owner=outsider)

    with pytest.raises(NotFound):
        merchant_link_apply(actor=member, links=[(theirs.pk, MerchantFactory().pk)])


def test_an_admin_may_link_anyones_restaurant(site_admin, outsider):
    theirs = RestaurantFactory(owner=outsider)

    assert merchant_link_apply(actor=site_admin, links=[(theirs.pk, MerchantFactory().pk)]) == 1


def test_a_merchant_that_does_not_exist_is_refused(member):
    restaurant = RestaurantFactory(owner=member)

    with pytest.raises(DomainError):
        merchant_link_apply(actor=member, links=[(restaurant.pk, 999_999)])


def test_only_admins_write_the_merchant_catalogue(member, site_admin):
    with pytest.raises(NotAllowed):
        merchant_create(actor=member, name="Chipotle")

    assert merchant_create(actor=site_admin, name="Chipotle").name == "Chipotle"


@pytest.mark.parametrize(
    ("url", "host"),
    [("https://www.Chipotle.com/locations", "chipotle.com"), ("chipotle.com", "chipotle.com"), ("", "")],
)
def test_website_hosts_are_compared_without_scheme_www_or_path(url, host):
    assert website_host(url) == host


def test_name_prefixes_are_whole_words_longest_first():
    assert name_prefixes("Pizza Hut - Express") == ["pizza hut - express", "pizza hut", "pizza"]
