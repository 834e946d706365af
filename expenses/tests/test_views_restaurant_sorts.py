"""The restaurant list sorts like the original app (name, city, cuisine, rating, visits, spent, last visit, per
person) and heads itself with its brand counts, in a constant number of queries."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses.tests.factories import ExpenseFactory, MerchantFactory, RestaurantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(member):
    chain = MerchantFactory(name="Chain", is_chain=True)
    now = timezone.now()
    alpha = RestaurantFactory(owner=member, name="alpha", city="Zurich", cuisine="Thai", rating=3, merchant=chain)
    bravo = RestaurantFactory(owner=member, name="Bravo", city="", cuisine="", rating=None, merchant=chain,
                              location_name="Downtown")  # fmt: skip
    charlie = RestaurantFactory(owner=member, name="Charlie", city="amsterdam", cuisine="Burgers", rating=5)
    ExpenseFactory(owner=member, restaurant=alpha, amount=Decimal("90.00"), party_size=3,
                   occurred_at=now - datetime.timedelta(days=9))  # fmt: skip
    ExpenseFactory(owner=member, restaurant=alpha, amount=Decimal("10.00"), party_size=1,
                   occurred_at=now - datetime.timedelta(days=8))  # fmt: skip
    ExpenseFactory(owner=member, restaurant=charlie, amount=Decimal("60.00"), party_size=1,
                   occurred_at=now - datetime.timedelta(days=2))  # fmt: skip
    return {"alpha": alpha, "bravo": bravo, "charlie": charlie}


def listed(client, **query) -> list[str]:
    response = client.get(reverse("restaurant_list"), query)
    assert response.status_code == HTTPStatus.OK
    return [restaurant.name for restaurant in response.context["restaurants"]]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("name", ["alpha", "Bravo", "Charlie"]),
        ("city", ["Charlie", "alpha", "Bravo"]),  # amsterdam, Zurich, then no city
        ("cuisine", ["Charlie", "alpha", "Bravo"]),  # Burgers, Thai, then none
        ("rating", ["Charlie", "alpha", "Bravo"]),  # 5, 3, unrated
        ("visits", ["alpha", "Charlie", "Bravo"]),  # 2, 1, 0
        ("total", ["alpha", "Charlie", "Bravo"]),  # 100, 60, never
        ("last_visit", ["Charlie", "alpha", "Bravo"]),
        ("per_person", ["Charlie", "alpha", "Bravo"]),  # 60, 25, never
    ],
)
def test_the_restaurant_list_sorts_like_the_original_app(member, places, web_client_for, sort, order):
    assert listed(web_client_for(member), sort=sort) == order


def test_an_unknown_sort_falls_back_to_the_name(member, places, web_client_for):
    assert listed(web_client_for(member), sort="owner__password") == ["alpha", "Bravo", "Charlie"]


def test_the_header_counts_linked_unlinked_and_branches_missing_their_name(member, places, outsider, web_client_for):
    RestaurantFactory(owner=outsider, name="Not mine", merchant=places["alpha"].merchant)
    client = web_client_for(member)

    response = client.get(reverse("restaurant_list"))

    assert response.context["counts"] == {"all": 3, "linked": 2, "unlinked": 1, "missing_branch": 1}
    assert "Missing branch name 1" in response.content.decode()
    assert listed(client, brand="missing_branch") == ["alpha"]
    assert listed(client, brand="unlinked") == ["Charlie"]


def test_the_restaurant_list_needs_the_same_queries_for_3_or_30_restaurants(
    member, places, web_client_for, django_assert_max_num_queries
):
    client = web_client_for(member)
    client.get(reverse("restaurant_list"))  # session and caches warmed
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("restaurant_list"), {"sort": "per_person"})
    for number in range(27):
        restaurant = RestaurantFactory(owner=member, name=f"Extra {number}", merchant=places["alpha"].merchant)
        ExpenseFactory(owner=member, restaurant=restaurant)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("restaurant_list"), {"sort": "per_person"})
