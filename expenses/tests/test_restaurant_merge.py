"""Merging duplicate restaurants (each member their own) and catalogue merchants (admins): the services, the API,
the web page and the admin actions, and the aliases every later match reads."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from expenses.merchant_selectors import merchant_match_for_restaurant
from expenses.models import Expense, Merchant, MerchantAlias, MerchantRewardsLink, Restaurant, RestaurantAlias
from expenses.restaurant_selectors import restaurants_matching
from expenses.services import restaurant_create, restaurants_resolve
from expenses.services.loyalty import merchant_rewards_link_set, rewards_program_create
from expenses.services.merchants import merchant_merge
from expenses.services.ocr import receipt_mismatches, receipt_prefill
from expenses.services.restaurants import restaurant_merge
from expenses.tests.factories import ExpenseFactory, MerchantFactory, ReceiptFactory, RestaurantFactory
from mealtracker.errors import Conflict, DomainError, NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(member):
    """The same café saved twice: once by hand, once from a bank import with a shouted name."""
    kept = RestaurantFactory(owner=member, name="Blue Door Café", address_line_1="12 High St", city="Boston",
                             phone="", website="")  # fmt: skip
    other = RestaurantFactory(owner=member, name="BLUE DOOR CAFE BOSTON", address_line_1="", city="Boston",
                              phone="+1 617 555 0100", place_id="ChIJbluedoor")  # fmt: skip
    return kept, other


def test_a_merge_moves_every_expense_to_the_kept_restaurant_and_deletes_the_other(member, twins):
    kept, other = twins
    ExpenseFactory(owner=member, restaurant=kept)
    moved = ExpenseFactory(owner=member, restaurant=other)

    done = restaurant_merge(owner=member, restaurant_ids=[kept.pk, other.pk], keep_id=kept.pk)

    assert (done.merged, done.moved) == (1, {"expense": 1})
    assert Expense.objects.get(pk=moved.pk).restaurant == kept
    assert not Restaurant.objects.filter(pk=other.pk).exists()


def test_a_moved_expense_gets_a_new_version_so_a_stale_edit_is_refused(member, twins):
    kept, other = twins
    expense = ExpenseFactory(owner=member, restaurant=other)

    restaurant_merge(owner=member, restaurant_ids=[other.pk], keep_id=kept.pk)

    assert Expense.objects.get(pk=expense.pk).version == expense.version + 1


def test_the_merged_name_address_and_place_id_become_aliases_of_the_kept_one(member, twins):
    kept, other = twins

    restaurant_merge(owner=member, restaurant_ids=[kept.pk, other.pk], keep_id=kept.pk)

    alias = RestaurantAlias.objects.get()
    assert (alias.restaurant, alias.name, alias.city, alias.place_id) == (
        kept,
        "BLUE DOOR CAFE BOSTON",
        "Boston",
        "ChIJbluedoor",
    )


def test_blank_details_of_the_kept_one_are_filled_from_the_merged_but_not_its_identity(member, twins):
    kept, other = twins

    restaurant_merge(owner=member, restaurant_ids=[kept.pk, other.pk], keep_id=kept.pk)

    kept.refresh_from_db()
    assert (kept.phone, kept.place_id, kept.name) == ("+1 617 555 0100", None, "Blue Door Café")


def test_merging_again_carries_the_earlier_aliases_along(member, twins):
    kept, other = twins
    third = RestaurantFactory(owner=member, name="Blue Door", city="Cambridge")
    restaurant_merge(owner=member, restaurant_ids=[other.pk], keep_id=kept.pk)

    restaurant_merge(owner=member, restaurant_ids=[kept.pk], keep_id=third.pk)

    assert sorted(RestaurantAlias.objects.filter(restaurant=third).values_list("name", flat=True)) == [
        "BLUE DOOR CAFE BOSTON",
        "Blue Door Café",
    ]


def test_one_restaurant_alone_cannot_be_merged(member, twins):
    kept, _ = twins

    with pytest.raises(DomainError) as refused:
        restaurant_merge(owner=member, restaurant_ids=[kept.pk], keep_id=kept.pk)

    assert refused.value.field == "restaurants"


def test_someone_elses_restaurant_is_refused_and_nothing_moves(member, outsider, twins):
    kept, other = twins
    theirs = RestaurantFactory(owner=outsider)
    ExpenseFactory(owner=member, restaurant=other)

    with pytest.raises(DomainError) as refused:
        restaurant_merge(owner=member, restaurant_ids=[other.pk, theirs.pk], keep_id=kept.pk)

    assert refused.value.field == "restaurants"
    assert Restaurant.objects.filter(pk=other.pk).exists()


def test_keeping_someone_elses_restaurant_is_refused_on_keep(member, outsider, twins):
    kept, _ = twins

    with pytest.raises(DomainError) as refused:
        restaurant_merge(owner=member, restaurant_ids=[kept.pk], keep_id=RestaurantFactory(owner=outsider).pk)

    assert refused.value.field == "keep"


def test_an_import_row_naming_the_merged_restaurant_finds_the_kept_one(member, twins):
    kept, other = twins
    restaurant_merge(owner=member, restaurant_ids=[other.pk], keep_id=kept.pk)

    by_name, by_place = restaurants_matching(
        member, [{"name": "Blue Door Cafe Boston"}, {"name": "Anything", "place_id": "ChIJbluedoor"}]
    )

    assert by_name == by_place == kept


def test_resolving_the_merged_identity_reuses_the_kept_restaurant_instead_of_splitting_again(member, twins):
    kept, other = twins
    restaurant_merge(owner=member, restaurant_ids=[other.pk], keep_id=kept.pk)

    [resolved] = restaurants_resolve(
        owner=member, drafts=[{"name": "BLUE DOOR CAFE BOSTON", "city": "Boston", "country": "US"}]
    )

    assert resolved == kept
    assert Restaurant.objects.filter(owner=member).count() == 1


def test_creating_a_restaurant_under_a_merged_name_says_where_it_went(member, twins):
    kept, other = twins
    restaurant_merge(owner=member, restaurant_ids=[other.pk], keep_id=kept.pk)

    with pytest.raises(Conflict, match="merged into Blue Door Café"):
        restaurant_create(owner=member, name="Blue Door Cafe Boston", city="Boston", country="US")


def test_a_receipt_printed_with_the_old_name_suggests_the_kept_restaurant_and_is_no_mismatch(member, twins):
    kept, other = twins
    expense = ExpenseFactory(owner=member, restaurant=other)
    receipt = ReceiptFactory(expense=expense, ocr_merchant_name="BLUE DOOR CAFE BOSTON",
                             ocr_confidence={"merchant_name": 0.99})  # fmt: skip
    restaurant_merge(owner=member, restaurant_ids=[other.pk], keep_id=kept.pk)
    expense.refresh_from_db()

    assert receipt_prefill(receipt)["restaurant"] == kept
    assert [m.field for m in receipt_mismatches(receipt, expense)] == []


def test_searching_expenses_by_an_old_name_finds_them_at_the_kept_restaurant(member, twins, api_client_for):
    kept, other = twins
    moved = ExpenseFactory(owner=member, restaurant=other)
    ExpenseFactory(owner=member, restaurant=RestaurantFactory(owner=member, name="Elsewhere"))
    restaurant_merge(owner=member, restaurant_ids=[other.pk], keep_id=kept.pk)

    found = api_client_for(member).get(reverse("expenses_api:expense-list"), {"search": "door cafe"}).json()

    assert [e["id"] for e in found["results"]] == [moved.pk]


def test_the_restaurant_list_and_the_api_find_the_kept_restaurant_by_an_old_name(
    member, twins, web_client_for, api_client_for
):
    kept, other = twins
    restaurant_merge(owner=member, restaurant_ids=[other.pk], keep_id=kept.pk)

    page = web_client_for(member).get(reverse("restaurant_list"), {"search": "CAFE BOSTON"}).content.decode()
    api = api_client_for(member).get(reverse("expenses_api:restaurant-list"), {"search": "CAFE BOSTON"}).json()

    assert "Blue Door Café" in page
    assert [r["id"] for r in api["results"]] == [kept.pk]


# --- API --------------------------------------------------------------------------------------------------------


def test_the_api_merges_and_answers_what_moved(member, twins, api_client_for):
    kept, other = twins
    ExpenseFactory(owner=member, restaurant=other)

    response = api_client_for(member).post(
        reverse("expenses_api:restaurant-merge"), {"restaurants": [kept.pk, other.pk], "keep": kept.pk}, format="json"
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"kept": kept.pk, "merged": 1, "moved": {"expense": 1}, "aliases": 1}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (lambda kept, other, theirs: {"restaurants": [kept.pk], "keep": kept.pk}, "restaurants"),
        (lambda kept, other, theirs: {"restaurants": [kept.pk, theirs.pk], "keep": kept.pk}, "restaurants"),
        (lambda kept, other, theirs: {"restaurants": [kept.pk, 999999], "keep": kept.pk}, "restaurants"),
        (lambda kept, other, theirs: {"restaurants": [kept.pk, other.pk], "keep": theirs.pk}, "keep"),
        (lambda kept, other, theirs: {"restaurants": [kept.pk, other.pk]}, "keep"),
        (lambda kept, other, theirs: {"restaurants": "all", "keep": kept.pk}, "restaurants"),
    ],
    ids=["single", "foreign", "absent", "foreign_keep", "no_keep", "not_a_list"],
)
def test_the_api_refuses_a_bad_merge_with_a_400_naming_the_field(member, outsider, twins, api_client_for, body, field):
    kept, other = twins
    theirs = RestaurantFactory(owner=outsider)

    response = api_client_for(member).post(
        reverse("expenses_api:restaurant-merge"), body(kept, other, theirs), format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == [field]


def test_only_admins_merge_merchants_through_the_api(member, site_admin, api_client_for):
    first, second = MerchantFactory(name="Chipotle"), MerchantFactory(name="Chipotle Mexican Grill")
    body = {"merchants": [first.pk, second.pk], "keep": first.pk}

    refused = api_client_for(member).post(reverse("expenses_api:merchant-merge"), body, format="json")
    done = api_client_for(site_admin).post(reverse("expenses_api:merchant-merge"), body, format="json")

    assert refused.status_code == HTTPStatus.FORBIDDEN
    assert done.status_code == HTTPStatus.OK
    assert done.json()["aliases"] == 1


# --- Web --------------------------------------------------------------------------------------------------------


def test_the_merge_page_lists_your_restaurants_with_checkboxes_in_a_constant_number_of_queries(
    member, outsider, web_client_for, django_assert_max_num_queries
):
    for n in range(12):
        ExpenseFactory(owner=member, restaurant=RestaurantFactory(owner=member, name=f"Place {n}"))
    RestaurantFactory(owner=outsider, name="Not yours")
    client = web_client_for(member)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("restaurant_merge"))

    page = response.content.decode()
    assert page.count('name="restaurants"') == 12
    assert page.count('name="keep"') == 12
    assert "Not yours" not in page


def test_the_restaurant_list_links_to_the_merge_page(member, web_client_for):
    assert reverse("restaurant_merge") in web_client_for(member).get(reverse("restaurant_list")).content.decode()


def test_merging_on_the_web_lands_on_the_kept_restaurant(member, twins, web_client_for):
    kept, other = twins

    response = web_client_for(member).post(
        reverse("restaurant_merge"), {"restaurants": [kept.pk, other.pk], "keep": kept.pk}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("restaurant_detail", args=[kept.pk])
    assert Restaurant.objects.filter(owner=member).count() == 1


def test_the_web_page_says_what_is_wrong_and_keeps_the_choice(member, twins, web_client_for):
    kept, _ = twins

    response = web_client_for(member).post(reverse("restaurant_merge"), {"restaurants": [kept.pk], "keep": kept.pk})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert "at least two" in page
    assert f'value="{kept.pk}" id="merge-{kept.pk}" checked' in page


def test_someone_elses_restaurant_posted_to_the_web_page_is_refused(member, outsider, twins, web_client_for):
    kept, _ = twins
    theirs = RestaurantFactory(owner=outsider)

    response = web_client_for(member).post(
        reverse("restaurant_merge"), {"restaurants": [kept.pk, theirs.pk], "keep": kept.pk}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Restaurant.objects.filter(pk=theirs.pk).exists()


# --- Admin ------------------------------------------------------------------------------------------------------


def test_the_admin_action_asks_which_to_keep_then_merges(site_admin, member, twins, web_client_for):
    kept, other = twins
    client = web_client_for(site_admin)
    url = reverse("admin:expenses_restaurant_changelist")
    selected = {"action": "merge_restaurants", ACTION_CHECKBOX_NAME: [kept.pk, other.pk]}

    asked = client.post(url, selected)
    done = client.post(url, {**selected, "keep": other.pk})

    assert 'name="keep"' in asked.content.decode()
    assert done.status_code == HTTPStatus.FOUND
    assert list(Restaurant.objects.filter(owner=member)) == [other]


def test_the_admin_action_refuses_two_peoples_restaurants(site_admin, outsider, twins, web_client_for):
    kept, _ = twins
    selected = {"action": "merge_restaurants", ACTION_CHECKBOX_NAME: [kept.pk, RestaurantFactory(owner=outsider).pk]}

    web_client_for(site_admin).post(reverse("admin:expenses_restaurant_changelist"), {**selected, "keep": kept.pk})

    assert Restaurant.objects.count() == 3


def test_the_admin_merges_merchants(site_admin, web_client_for):
    first, second = MerchantFactory(name="Pret"), MerchantFactory(name="Pret A Manger")
    selected = {"action": "merge_merchants", ACTION_CHECKBOX_NAME: [first.pk, second.pk], "keep": second.pk}

    web_client_for(site_admin).post(reverse("admin:expenses_merchant_changelist"), selected)

    assert list(Merchant.objects.all()) == [second]


# --- Merchants --------------------------------------------------------------------------------------------------


def test_a_merchant_merge_relinks_restaurants_and_loyalty_links_and_keeps_the_old_name(site_admin, member, outsider):
    kept, old = MerchantFactory(name="Starbucks"), MerchantFactory(name="Starbucks Coffee", short_name="SBUX")
    restaurant = RestaurantFactory(owner=member, merchant=old)
    mine = rewards_program_create(owner=member, name="Stars")
    merchant_rewards_link_set(owner=member, merchant=old, program=mine)
    theirs = rewards_program_create(owner=outsider, name="Card points")
    merchant_rewards_link_set(owner=outsider, merchant=kept, program=theirs)
    merchant_rewards_link_set(owner=outsider, merchant=old, program=rewards_program_create(owner=outsider, name="X"))

    done = merchant_merge(actor=site_admin, merchant_ids=[kept.pk, old.pk], keep_id=kept.pk)

    restaurant.refresh_from_db()
    assert restaurant.merchant == kept
    assert (done.restaurants, done.rewards_links) == (1, 1)
    # One link per member and merchant: the outsider keeps the one they had on the kept brand.
    assert sorted(MerchantRewardsLink.objects.values_list("owner__email", "program__name")) == [
        ("member@example.com", "Stars"),
        ("outsider@example.com", "Card points"),
    ]
    assert sorted(MerchantAlias.objects.values_list("name", flat=True)) == ["SBUX", "Starbucks Coffee"]


def test_a_restaurant_named_like_a_merged_merchant_is_linked_to_the_kept_one(site_admin, member):
    kept, old = MerchantFactory(name="Pret A Manger"), MerchantFactory(name="Pret", short_name="")
    merchant_merge(actor=site_admin, merchant_ids=[old.pk], keep_id=kept.pk)

    assert merchant_match_for_restaurant(Restaurant(owner=member, name="Pret - Kings Cross")) == kept


def test_members_cannot_merge_merchants(member):
    first, second = MerchantFactory(), MerchantFactory()

    with pytest.raises(NotAllowed):
        merchant_merge(actor=member, merchant_ids=[first.pk, second.pk], keep_id=first.pk)


def test_merged_totals_add_up(member, twins):
    kept, other = twins
    ExpenseFactory(owner=member, restaurant=kept, amount=Decimal("10.00"))
    ExpenseFactory(owner=member, restaurant=other, amount=Decimal("5.50"))

    restaurant_merge(owner=member, restaurant_ids=[other.pk], keep_id=kept.pk)

    assert sum(e.reporting_amount for e in Expense.objects.filter(restaurant=kept)) == Decimal("15.50")


def test_the_kept_restaurants_page_lists_the_names_it_also_goes_by(member, twins, web_client_for):
    kept, other = twins
    restaurant_merge(owner=member, restaurant_ids=[other.pk], keep_id=kept.pk)

    page = web_client_for(member).get(reverse("restaurant_detail", args=[kept.pk])).content.decode()

    assert "Also known as: BLUE DOOR CAFE BOSTON (Boston)" in page


def test_a_kept_restaurant_answers_to_its_own_identity_and_the_merged_ones(member, twins):
    from expenses.restaurant_selectors import restaurant_identities, restaurant_identity

    kept, other = twins
    merged_identity = restaurant_identity(other)
    restaurant_merge(owner=member, restaurant_ids=[other.pk], keep_id=kept.pk)

    identities = restaurant_identities([kept])[kept.pk]

    assert restaurant_identity(kept) in identities
    assert merged_identity in identities  # ("place", "ChIJbluedoor")
    assert ("address", "blue door cafe boston", "", "boston", "", "us") in identities
