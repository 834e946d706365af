"""Merchant link review page (suggestions to apply, links to undo) and loyalty memberships on a restaurant's page."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.services.loyalty import merchant_rewards_link_set, rewards_membership_create, rewards_program_create
from expenses.tests.factories import MerchantFactory, RestaurantFactory

pytestmark = pytest.mark.django_db
REVIEW = reverse("merchant_link_review")


@pytest.fixture
def chipotle():
    return MerchantFactory(name="Chipotle", website="https://www.chipotle.com")


def test_the_review_page_suggests_a_brand_for_matching_restaurants(member, web_client_for, chipotle):
    branch = RestaurantFactory(owner=member, name="Chipotle Mexican Grill", merchant=None)
    RestaurantFactory(owner=member, name="Corner Bakery", merchant=None)

    text = web_client_for(member).get(REVIEW).content.decode()

    assert f'data-suggestion="{branch.pk}"' in text
    assert f'value="{branch.pk}:{chipotle.pk}"' in text
    assert "Corner Bakery" not in text


def test_applying_the_ticked_suggestions_links_the_restaurants(member, web_client_for, chipotle):
    branch = RestaurantFactory(owner=member, name="Chipotle Mexican Grill", merchant=None)

    response = web_client_for(member).post(REVIEW, {"link": [f"{branch.pk}:{chipotle.pk}"]})

    branch.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert branch.merchant == chipotle


def test_unlinking_removes_the_brand(member, web_client_for, chipotle):
    branch = RestaurantFactory(owner=member, name="Chipotle Mexican Grill", merchant=chipotle)

    web_client_for(member).post(REVIEW, {"unlink": str(branch.pk)})

    branch.refresh_from_db()
    assert branch.merchant is None


def test_someone_elses_restaurant_cannot_be_linked(member, outsider, web_client_for, chipotle):
    theirs = RestaurantFactory(owner=outsider, name="Chipotle Mexican Grill", merchant=None)

    response = web_client_for(member).post(REVIEW, {"link": [f"{theirs.pk}:{chipotle.pk}"]}, follow=True)

    theirs.refresh_from_db()
    assert theirs.merchant is None
    assert "Restaurant not found." in response.content.decode()


def test_the_restaurant_page_shows_the_membership_with_a_masked_account_number(member, web_client_for, chipotle):
    branch = RestaurantFactory(owner=member, name="Chipotle Mexican Grill", merchant=chipotle)
    program = rewards_program_create(owner=member, name="Chipotle Rewards")
    rewards_membership_create(owner=member, program=program, account_number="1234567890", tier="Gold")
    merchant_rewards_link_set(owner=member, merchant=chipotle, program=program)

    text = web_client_for(member).get(reverse("restaurant_detail", args=[branch.pk])).content.decode()

    assert "Chipotle Rewards" in text
    assert "•••• 7890" in text
    assert "1234567890" not in text


def test_another_users_membership_is_not_shown(member, outsider, web_client_for, chipotle):
    branch = RestaurantFactory(owner=member, name="Chipotle Mexican Grill", merchant=chipotle)
    program = rewards_program_create(owner=outsider, name="Outsider Rewards")
    rewards_membership_create(owner=outsider, program=program, account_number="9999888877")
    merchant_rewards_link_set(owner=outsider, merchant=chipotle, program=program)

    text = web_client_for(member).get(reverse("restaurant_detail", args=[branch.pk])).content.decode()

    assert "Outsider Rewards" not in text
