"""The expense list: filters in the user's timezone, search, ordering, cursor pages, totals, team scope."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expenses.choices import ExpenseStatus, MealType
from expenses.models import Expense
from expenses.tests.factories import (
    CategoryFactory,
    ExpenseFactory,
    ExpenseTagFactory,
    MerchantFactory,
    RestaurantFactory,
    TagFactory,
)

LIST = reverse("expenses_api:expense-list")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=datetime.UTC)


def test_date_range_is_read_in_the_users_timezone(member, api_client_for):
    member.timezone = "America/New_York"
    member.save()
    evening_of_march_1st = ExpenseFactory(owner=member, occurred_at=at(2, 3))  # 22:00 on 1 March in New York
    client = api_client_for(member)

    assert ids(client.get(LIST, {"date_from": "2026-03-01", "date_to": "2026-03-01"})) == {evening_of_march_1st.pk}
    assert ids(client.get(LIST, {"date_from": "2026-03-02"})) == set()


def test_tags_filter_keeps_expenses_with_all_the_tags(member, api_client_for):
    client_tag, travel = TagFactory(owner=member, name="client"), TagFactory(owner=member, name="travel")
    both, only_client = ExpenseFactory(owner=member), ExpenseFactory(owner=member)
    ExpenseTagFactory(expense=both, tag=client_tag)
    ExpenseTagFactory(expense=both, tag=travel)
    ExpenseTagFactory(expense=only_client, tag=client_tag)

    response = api_client_for(member).get(LIST, {"tags": "client,travel"})

    assert ids(response) == {both.pk}


def test_amount_category_meal_type_and_business_filters_combine(member, api_client_for):
    lunch_category = CategoryFactory(owner=member)
    match = ExpenseFactory(owner=member, amount=Decimal("30.00"), category=lunch_category, business=True)
    ExpenseFactory(owner=member, amount=Decimal("80.00"), category=lunch_category, business=True)
    ExpenseFactory(owner=member, amount=Decimal("30.00"), category=lunch_category, meal_type=MealType.DINNER)

    response = api_client_for(member).get(
        LIST,
        {"amount_min": "20", "amount_max": "50", "category": lunch_category.pk, "meal_type": "lunch",
         "is_business": "true", "status": "draft"},
    )  # fmt: skip

    assert ids(response) == {match.pk}


def test_search_finds_restaurant_names_and_notes(member, api_client_for):
    sushi = ExpenseFactory(owner=member, restaurant=RestaurantFactory(owner=member, name="Sushi Den"))
    noted = ExpenseFactory(owner=member, notes="Sushi with the client")
    ExpenseFactory(owner=member, notes="Tacos")

    assert ids(api_client_for(member).get(LIST, {"search": "sushi"})) == {sushi.pk, noted.pk}


def test_ordering_by_amount(member, api_client_for):
    for amount in ("5.00", "50.00", "20.00"):
        ExpenseFactory(owner=member, amount=Decimal(amount), tax=0, tip=0)

    response = api_client_for(member).get(LIST, {"ordering": "amount"})

    assert [row["amount"] for row in response.json()["results"]] == ["5.00", "20.00", "50.00"]


def test_totals_cover_the_whole_filtered_list_not_only_the_page(member, api_client_for):
    ExpenseFactory(owner=member, amount=Decimal("30.00"), party_size=2)
    ExpenseFactory(owner=member, amount=Decimal("15.00"), party_size=1)
    ExpenseFactory(owner=member, amount=Decimal("99.00"), meal_type=MealType.DINNER)

    body = api_client_for(member).get(LIST, {"meal_type": "lunch", "page_size": 1}).json()

    assert len(body["results"]) == 1
    assert body["totals"] == {"count": 2, "total": "45.00", "average_per_person": "15.00", "currency": "USD"}


@pytest.mark.parametrize("scope", ["mine", "team"])
def test_totals_aggregate_the_expenses_alone(manager, member, scope, api_client_for):
    """The page reads its restaurant and category names by joins; the totals over the whole list need none, and with
    them the database would join every row of the list before summing."""
    ExpenseFactory(owner=member, restaurant=RestaurantFactory(owner=member), category=CategoryFactory(owner=member))
    ExpenseFactory(owner=manager, restaurant=RestaurantFactory(owner=manager), category=CategoryFactory(owner=manager))

    with CaptureQueriesContext(connection) as queries:
        body = api_client_for(manager).get(LIST, {"scope": scope}).json()

    (totals,) = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT COUNT(")]
    assert body["totals"]["count"] == (2 if scope == "team" else 1)
    assert "JOIN" not in totals.upper()


def test_totals_come_with_the_first_page_only(member, api_client_for):
    ExpenseFactory.create_batch(3, owner=member, amount=Decimal("10.00"))
    client = api_client_for(member)

    first = client.get(LIST, {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert first["totals"]["count"] == 3
    assert len(second["results"]) == 1
    assert second["totals"] is None


def test_cursor_pages_walk_the_list_without_repeats(member, api_client_for):
    created = {ExpenseFactory(owner=member).pk for _ in range(5)}
    client = api_client_for(member)

    seen, url, params = [], LIST, {"page_size": 2}
    while url:
        body = client.get(url, params).json()
        seen += [row["id"] for row in body["results"]]
        url, params = body["next"], None

    assert sorted(seen) == sorted(created)


def test_cursor_pages_walk_a_custom_ordering_forwards_and_back(member, api_client_for):
    for amount in ["7.00", "3.00", "9.00", "3.00", "5.00"]:
        ExpenseFactory(owner=member, amount=Decimal(amount), tax=Decimal(0), tip=Decimal(0))
    client = api_client_for(member)

    first = client.get(LIST, {"ordering": "amount", "page_size": 2}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    back = client.get(third["previous"]).json()

    pages = [[row["amount"] for row in page["results"]] for page in (first, second, third)]
    assert pages == [["3.00", "3.00"], ["5.00", "7.00"], ["9.00"]]
    assert third["next"] is None
    assert [row["id"] for row in back["results"]] == [row["id"] for row in second["results"]]


def test_team_pages_walk_every_team_meal_once_in_order_both_ways(manager, member, teammate, api_client_for):
    base = timezone.now() - datetime.timedelta(days=3)
    created = [
        ExpenseFactory(owner=owner, occurred_at=base + datetime.timedelta(hours=hours)).pk
        for hours, owner in enumerate([member, teammate, manager, member, teammate])
    ]
    client = api_client_for(manager)

    pages, url, params = [], LIST, {"scope": "team", "page_size": 2}
    while url:
        body = client.get(url, params).json()
        pages.append(body)
        url, params = body["next"], None
    back = client.get(pages[-1]["previous"]).json()

    assert [row["id"] for page in pages for row in page["results"]] == created[::-1]  # newest first
    assert [row["id"] for row in back["results"]] == [row["id"] for row in pages[-2]["results"]]


def test_page_size_is_capped_at_100(member, api_client_for):
    ExpenseFactory.create_batch(101, owner=member)

    body = api_client_for(member).get(LIST, {"page_size": 500}).json()

    assert len(body["results"]) == 100
    assert body["totals"]["count"] == 101


def test_default_list_shows_only_own_expenses_even_to_a_manager(manager, member, api_client_for):
    own = ExpenseFactory(owner=manager)
    ExpenseFactory(owner=member)

    assert ids(api_client_for(manager).get(LIST)) == {own.pk}


def test_team_scope_lists_the_managers_team_and_not_other_teams(manager, member, teammate, outsider, api_client_for):
    own, members, teammates = (ExpenseFactory(owner=user) for user in (manager, member, teammate))
    ExpenseFactory(owner=outsider)

    response = api_client_for(manager).get(LIST, {"scope": "team"})

    assert ids(response) == {own.pk, members.pk, teammates.pk}


def test_manager_filters_the_team_list_by_owner(manager, member, teammate, api_client_for):
    members = ExpenseFactory(owner=member)
    ExpenseFactory(owner=teammate)

    response = api_client_for(manager).get(LIST, {"scope": "team", "owner": member.pk})

    assert ids(response) == {members.pk}


def test_owner_filter_refuses_someone_outside_the_team(manager, outsider, api_client_for):
    response = api_client_for(manager).get(LIST, {"scope": "team", "owner": outsider.pk})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "owner" in response.json()["errors"]


def test_member_cannot_ask_for_the_team_scope(member, api_client_for):
    response = api_client_for(member).get(LIST, {"scope": "team"})

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_status_filter_accepts_several_statuses(member, api_client_for):
    draft = ExpenseFactory(owner=member, business=True)
    submitted = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.SUBMITTED)
    ExpenseFactory(owner=member, business=True, status=ExpenseStatus.APPROVED)

    response = api_client_for(member).get(f"{LIST}?status=draft&status=submitted")

    assert ids(response) == {draft.pk, submitted.pk}


def test_ordering_by_restaurant_sorts_by_its_name_meals_without_one_first(member, api_client_for):
    beta, alpha = (RestaurantFactory(owner=member, name=name) for name in ("beta Bar", "Alpha Diner"))
    at_beta, at_alpha, nowhere = (ExpenseFactory(owner=member, restaurant=r) for r in (beta, alpha, None))
    client = api_client_for(member)

    ascending = [row["id"] for row in client.get(LIST, {"ordering": "restaurant"}).json()["results"]]
    descending = [row["id"] for row in client.get(LIST, {"ordering": "-restaurant"}).json()["results"]]

    assert ascending == [nowhere.pk, at_alpha.pk, at_beta.pk]
    assert descending == [at_beta.pk, at_alpha.pk, nowhere.pk]


def test_ordering_by_category_sorts_by_its_name_then_newest_first(member, api_client_for):
    drinks, lunches = CategoryFactory(owner=member, name="Drinks out"), CategoryFactory(owner=member, name="lunches")
    older = ExpenseFactory(owner=member, category=lunches, occurred_at=at(1, 12))
    newer = ExpenseFactory(owner=member, category=lunches, occurred_at=at(2, 12))
    drink = ExpenseFactory(owner=member, category=drinks, occurred_at=at(1, 20))

    response = api_client_for(member).get(LIST, {"ordering": "category"})

    assert [row["id"] for row in response.json()["results"]] == [drink.pk, newer.pk, older.pk]


def test_cursor_pages_walk_meals_sharing_a_category_once_each_both_ways(member, api_client_for):
    lunches = CategoryFactory(owner=member, name="lunches")
    created = [ExpenseFactory(owner=member, category=lunches, occurred_at=at(1, 12)).pk for _ in range(5)]
    client = api_client_for(member)

    pages, url, params = [], LIST, {"ordering": "category", "page_size": 2}
    while url:
        body = client.get(url, params).json()
        pages.append([row["id"] for row in body["results"]])
        url, params = body["next"], None
    back = client.get(client.get(LIST, {"ordering": "category", "page_size": 2}).json()["next"]).json()["previous"]

    assert [pk for page in pages for pk in page] == sorted(created, reverse=True)  # same time: highest id first
    assert [row["id"] for row in client.get(back).json()["results"]] == pages[0]


def test_cursor_pages_walk_more_than_a_thousand_meals_sharing_a_category(member, api_client_for):
    lunches = CategoryFactory(owner=member, name="lunches")
    meals = ExpenseFactory.build_batch(1120, owner=member, restaurant=None, category=lunches, occurred_at=at(1, 12))
    created = {expense.pk for expense in Expense.objects.bulk_create(meals)}
    client = api_client_for(member)

    seen, url, params = [], LIST, {"ordering": "category", "page_size": 100}
    while url and len(seen) <= len(created):
        body = client.get(url, params).json()
        seen += [row["id"] for row in body["results"]]
        url, params = body["next"], None

    assert len(seen) == len(created)
    assert set(seen) == created


def test_a_team_list_pages_by_restaurant_across_owners(manager, member, teammate, api_client_for):
    names = ["Cafe", "Bakery", "Deli", "Atrium"]
    for owner, name in zip([member, teammate, member, teammate], names, strict=True):
        ExpenseFactory(owner=owner, restaurant=RestaurantFactory(owner=owner, name=name))
    client = api_client_for(manager)

    seen, url, params = [], LIST, {"scope": "team", "ordering": "restaurant", "page_size": 1}
    while url:
        body = client.get(url, params).json()
        seen += [row["restaurant_name"] for row in body["results"]]
        url, params = body["next"], None

    assert seen == sorted(names)


def test_an_ordering_the_list_does_not_offer_is_refused_naming_ordering(member, api_client_for):
    response = api_client_for(member).get(LIST, {"ordering": "owner__password"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "ordering" in response.json()["errors"]


def test_search_finds_a_meal_by_its_restaurants_branch_and_merchant(member, api_client_for):
    branch = RestaurantFactory(owner=member, name="Starbucks", location_name="Union Square", address_line_1="5 Bway")
    chain = RestaurantFactory(owner=member, name="BB Mission", merchant=MerchantFactory(name="Blue Bottle Coffee"))
    at_branch = ExpenseFactory(owner=member, restaurant=branch)
    at_chain = ExpenseFactory(owner=member, restaurant=chain)
    elsewhere = RestaurantFactory(owner=member, name="Starbucks", address_line_1="2 Main St")
    ExpenseFactory(owner=member, restaurant=elsewhere)
    client = api_client_for(member)

    assert ids(client.get(LIST, {"search": "union square"})) == {at_branch.pk}
    assert ids(client.get(LIST, {"search": "bottle"})) == {at_chain.pk}


def test_search_finds_a_meal_by_a_tag_and_keeps_one_row_per_meal_in_the_totals(member, api_client_for):
    tagged = ExpenseFactory(owner=member, amount=Decimal("10.00"), notes="conference dinner")
    for name in ("conference", "conference-travel"):
        ExpenseTagFactory(expense=tagged, tag=TagFactory(owner=member, name=name))
    ExpenseFactory(owner=member)

    body = api_client_for(member).get(LIST, {"search": "conference"}).json()

    assert [row["id"] for row in body["results"]] == [tagged.pk]
    assert (body["totals"]["count"], body["totals"]["total"]) == (1, "10.00")
