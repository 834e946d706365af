"""An id filter given something no id can be is a 400 naming the filter, not a value the database cannot bind."""

from http import HTTPStatus

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("route", "name"), [("expenses_api:receipt-list", "expense"), ("expenses_api:restaurant-list", "merchant")]
)
@pytest.mark.parametrize("value", ["-4.656184161817265e+67", "99999999999999999999", "1.5", "abc"])
def test_an_id_filter_out_of_range_is_a_400_naming_it(member, api_client_for, route, name, value):
    response = api_client_for(member).get(reverse(route), {name: value})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == [name]


def test_an_id_filter_still_filters(member, api_client_for):
    assert api_client_for(member).get(reverse("expenses_api:receipt-list"), {"expense": "1"}).status_code == 200


@pytest.mark.parametrize("name", ["category", "restaurant", "owner"])
@pytest.mark.parametrize("value", ["429584226394633928704", "-103917402792486780928", "1,99999999999999999999"])
def test_an_expense_list_id_filter_out_of_range_is_a_400_naming_it(manager, api_client_for, name, value):
    response = api_client_for(manager).get(reverse("expenses_api:expense-list"), {name: value, "scope": "team"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == [name]


def test_the_web_list_ignores_an_id_out_of_range(member, web_client_for):
    response = web_client_for(member).get(reverse("expense_list"), {"category": "429584226394633928704"})

    assert response.status_code == HTTPStatus.OK
