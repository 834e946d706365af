"""Restaurants, categories, tags and merchants through the API."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.models import Expense
from expenses.tests.factories import CategoryFactory, ExpenseFactory, RestaurantFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_same_restaurant_at_the_same_address_is_a_409_on_name(member, api_client_for):
    RestaurantFactory(owner=member, name="Chez Léon", address_line_1="1 Rue X", city="Paris", country="FR")

    response = api_client_for(member).post(
        reverse("expenses_api:restaurant-list"),
        {"name": "Chez  Léon", "address_line_1": "1 rue x", "city": "paris", "country": "FR"},
    )

    assert response.status_code == HTTPStatus.CONFLICT
    assert list(response.json()["errors"]) == ["name"]


def test_deleting_a_restaurant_keeps_its_expenses(member, api_client_for):
    expense = ExpenseFactory(owner=member)

    response = api_client_for(member).delete(
        reverse("expenses_api:restaurant-detail", kwargs={"pk": expense.restaurant_id})
    )

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert Expense.objects.get(pk=expense.pk).restaurant is None


def test_tag_names_are_normalised(member, api_client_for):
    response = api_client_for(member).post(reverse("expenses_api:tag-list"), {"name": "Client dinner!"})

    assert response.json()["name"] == "Client-dinner"


def test_a_category_name_is_unique_per_user_with_a_409_on_name(member, api_client_for):
    CategoryFactory(owner=member, name="Client meals")

    response = api_client_for(member).post(reverse("expenses_api:category-list"), {"name": "client meals"})

    assert response.status_code == HTTPStatus.CONFLICT
    assert list(response.json()["errors"]) == ["name"]


def test_a_restaurant_can_point_at_a_catalogue_merchant(member, site_admin, api_client_for):
    merchant = api_client_for(site_admin).post(reverse("expenses_api:merchant-list"), {"name": "Pret"}).json()

    response = api_client_for(member).post(
        reverse("expenses_api:restaurant-list"), {"name": "Pret Soho", "merchant": merchant["id"]}
    )

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["merchant"] == merchant["id"]


def test_browsable_api_renders_for_a_session_user(member, web_client_for):
    response = web_client_for(member).get(reverse("expenses_api:expense-list"), HTTP_ACCEPT="text/html")

    assert response.status_code == HTTPStatus.OK
    assert b"Expense" in response.content
