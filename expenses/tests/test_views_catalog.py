"""Categories and tags pages: create, rename, recolour, delete with reassignment."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.models import Category, Expense, Tag
from expenses.tests.factories import CategoryFactory, ExpenseFactory, ExpenseTagFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rows", [1, 50])
def test_catalog_page_runs_a_constant_number_of_queries(web_client_for, member, django_assert_max_num_queries, rows):
    CategoryFactory.create_batch(rows, owner=member)
    TagFactory.create_batch(rows, owner=member)
    client = web_client_for(member)

    with django_assert_max_num_queries(4):
        response = client.get(reverse("category_list"))

    assert response.status_code == HTTPStatus.OK


def test_new_members_see_their_default_categories(web_client_for, member):
    response = web_client_for(member).get(reverse("category_list"))

    assert "Restaurants" in response.text
    assert "Snacks &amp; Vending" in response.text


def test_creating_a_category_saves_its_colour(web_client_for, member):
    web_client_for(member).post(
        reverse("category_list"), {"category-name": "Client meals", "category-color": "#aa3300"}
    )

    assert Category.objects.get(owner=member, name="Client meals").color == "#aa3300"


def test_a_duplicate_category_name_is_an_error_on_the_name(web_client_for, member):
    CategoryFactory(owner=member, name="Coffee")

    response = web_client_for(member).post(
        reverse("category_list"), {"category-name": "coffee", "category-color": "#aa3300"}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "name" in response.context["category_form"].errors


def test_renaming_a_category_keeps_its_expenses(web_client_for, member):
    category = CategoryFactory(owner=member, name="Coffe")
    ExpenseFactory(owner=member, category=category)

    web_client_for(member).post(reverse("category_edit", args=[category.pk]), {"name": "Coffee", "color": "#112233"})

    category.refresh_from_db()
    assert (category.name, category.expenses.count()) == ("Coffee", 1)


def test_deleting_a_category_moves_its_expenses_to_the_chosen_one(web_client_for, member):
    old, new = CategoryFactory(owner=member), CategoryFactory(owner=member)
    expense = ExpenseFactory(owner=member, category=old)

    web_client_for(member).post(reverse("category_delete", args=[old.pk]), {"reassign_to": new.pk})

    assert not Category.objects.filter(pk=old.pk).exists()
    assert Expense.objects.get(pk=expense.pk).category == new


def test_another_members_category_cannot_be_the_reassignment_target(web_client_for, member, teammate):
    old, foreign = CategoryFactory(owner=member), CategoryFactory(owner=teammate)

    response = web_client_for(member).post(reverse("category_delete", args=[old.pk]), {"reassign_to": foreign.pk})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Category.objects.filter(pk=old.pk).exists()


def test_another_members_category_is_not_found(web_client_for, member, teammate):
    category = CategoryFactory(owner=teammate)

    response = web_client_for(member).get(reverse("category_edit", args=[category.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_creating_a_tag_normalises_its_name(web_client_for, member):
    web_client_for(member).post(reverse("tag_create"), {"tag-name": "client dinner!", "tag-color": "#123456"})

    assert Tag.objects.get(owner=member).name == "client-dinner"


def test_deleting_a_tag_keeps_the_expenses(web_client_for, member):
    link = ExpenseTagFactory(expense=ExpenseFactory(owner=member))

    web_client_for(member).post(reverse("tag_delete", args=[link.tag.pk]))

    assert not Tag.objects.filter(pk=link.tag.pk).exists()
    assert Expense.objects.filter(pk=link.expense.pk).exists()
