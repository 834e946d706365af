"""Restaurant pages: stats, duplicates, deleting without losing expenses, and nobody else's data."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.models import Expense, Restaurant
from expenses.tests.factories import ExpenseFactory, RestaurantFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [1, 50])
def test_restaurant_list_runs_a_constant_number_of_queries(web_client_for, member, django_assert_max_num_queries, rows):
    for restaurant in RestaurantFactory.create_batch(rows, owner=member):
        ExpenseFactory(owner=member, restaurant=restaurant)
    client = web_client_for(member)

    with django_assert_max_num_queries(4):
        response = client.get(reverse("restaurant_list"))

    assert response.status_code == HTTPStatus.OK


def test_restaurant_list_shows_visits_total_and_average_per_person(web_client_for, member):
    restaurant = RestaurantFactory(owner=member, name="Trattoria")
    ExpenseFactory(owner=member, restaurant=restaurant, amount=Decimal("40.00"), party_size=2)
    ExpenseFactory(owner=member, restaurant=restaurant, amount=Decimal("20.00"), party_size=1)

    response = web_client_for(member).get(reverse("restaurant_list"))

    row = response.context["restaurants"][0]
    assert (row.visits, row.total, row.per_person) == (2, Decimal("60.00"), Decimal("20.00"))
    assert "$60.00" in response.text


def test_restaurant_list_sorts_by_most_visits(web_client_for, member):
    quiet, busy = RestaurantFactory(owner=member, name="A Quiet"), RestaurantFactory(owner=member, name="B Busy")
    ExpenseFactory.create_batch(3, owner=member, restaurant=busy)
    ExpenseFactory(owner=member, restaurant=quiet)

    response = web_client_for(member).get(reverse("restaurant_list"), {"sort": "visits"})

    assert [r.name for r in response.context["restaurants"]] == ["B Busy", "A Quiet"]


def test_restaurant_list_hides_other_members_restaurants(web_client_for, member, teammate):
    RestaurantFactory(owner=teammate, name="Secret Spot")

    response = web_client_for(member).get(reverse("restaurant_list"))

    assert "Secret Spot" not in response.text


def test_restaurant_detail_lists_its_visits(web_client_for, member):
    restaurant = RestaurantFactory(owner=member)
    ExpenseFactory.create_batch(2, owner=member, restaurant=restaurant)

    response = web_client_for(member).get(reverse("restaurant_detail", args=[restaurant.pk]))

    assert len(response.context["expenses"]) == 2


def test_another_members_restaurant_is_not_found(web_client_for, member, teammate):
    restaurant = RestaurantFactory(owner=teammate)

    response = web_client_for(member).get(reverse("restaurant_detail", args=[restaurant.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_adding_a_restaurant_saves_it(web_client_for, member):
    response = web_client_for(member).post(
        reverse("restaurant_create"), {"name": "Pho Place", "city": "Austin", "country": "US"}
    )

    restaurant = Restaurant.objects.get(owner=member)
    assert response.status_code == HTTPStatus.FOUND
    assert (restaurant.name, restaurant.city) == ("Pho Place", "Austin")


def test_adding_a_duplicate_restaurant_warns_and_keeps_the_input(web_client_for, member):
    RestaurantFactory(owner=member, name="Pho Place", address_line_1="5 Congress Ave", city="Austin")

    response = web_client_for(member).post(
        reverse("restaurant_create"),
        {"name": "pho place", "address_line_1": "5 congress ave", "city": "Austin", "country": "US",
         "cuisine": "Vietnamese"},
    )  # fmt: skip

    assert response.status_code == HTTPStatus.BAD_REQUEST
    message = response.context["form"].errors["name"][0]
    assert message.startswith("You already have Pho Place at 5 Congress Ave, Austin, US;")
    assert 'value="Vietnamese"' in response.text


def test_editing_a_restaurant_saves_the_change(web_client_for, member):
    restaurant = RestaurantFactory(owner=member, name="Old Name")

    web_client_for(member).post(
        reverse("restaurant_edit", args=[restaurant.pk]), {"name": "New Name", "city": "Boston"}
    )

    restaurant.refresh_from_db()
    assert restaurant.name == "New Name"


def test_deleting_a_restaurant_keeps_its_expenses(web_client_for, member):
    restaurant = RestaurantFactory(owner=member)
    expense = ExpenseFactory(owner=member, restaurant=restaurant)

    response = web_client_for(member).post(reverse("restaurant_delete", args=[restaurant.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert not Restaurant.objects.filter(pk=restaurant.pk).exists()
    assert Expense.objects.get(pk=expense.pk).restaurant is None


def test_restaurant_picker_options_are_narrowed_by_the_search(web_client_for, member, teammate):
    RestaurantFactory(owner=member, name="Sushi Go")
    RestaurantFactory(owner=member, name="Taco Stand")
    RestaurantFactory(owner=teammate, name="Sushi Elsewhere")

    response = web_client_for(member).get(reverse("restaurant_options"), {"q": "sushi"})

    assert "Sushi Go" in response.text
    assert "Taco Stand" not in response.text
    assert "Sushi Elsewhere" not in response.text
