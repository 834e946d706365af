"""Every API list sorts by what its schema offers, and refuses anything else with a 400 naming `ordering`."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.tests.factories import CategoryFactory, RestaurantFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "expenses_api:restaurant-list",
    "expenses_api:category-list",
    "expenses_api:tag-list",
    "expenses_api:merchant-list",
    "expenses_api:receipt-list",
]


@pytest.mark.parametrize("route", LISTS)
def test_an_ordering_the_list_does_not_offer_is_a_400_naming_ordering(api_client_for, member, route):
    response = api_client_for(member).get(reverse(route), {"ordering": "password"})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "ordering" in response.json()["errors"]


def test_restaurants_sort_by_name_both_ways(api_client_for, member):
    for name in ("Bistro", "Amber", "Cafe"):
        RestaurantFactory(owner=member, name=name)
    client = api_client_for(member)
    url = reverse("expenses_api:restaurant-list")
    names = [row["name"] for row in client.get(url, {"ordering": "name"}).json()["results"]]
    assert names == ["Amber", "Bistro", "Cafe"]
    names = [row["name"] for row in client.get(url, {"ordering": "-name"}).json()["results"]]
    assert names == ["Cafe", "Bistro", "Amber"]


def test_an_offered_ordering_is_accepted(api_client_for, member):
    CategoryFactory(owner=member, name="Zeta")
    response = api_client_for(member).get(reverse("expenses_api:category-list"), {"ordering": "-created_at"})
    assert response.status_code == HTTPStatus.OK
