"""Expense pages through the test client: who sees what, what is saved, what the user reads, query counts."""

import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from expenses.choices import ExpenseStatus, MealType
from expenses.forms import meal_type_for
from expenses.models import Expense, Receipt
from expenses.tests.factories import (
    CategoryFactory,
    ExpenseFactory,
    ExpenseTagFactory,
    ReceiptFactory,
    RestaurantFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
# The session, the user, the filter pick lists (one UNION), the page, its tags and its total.
LIST_QUERY_LIMIT = 6


def expense_form_data(**overrides):
    data = {
        "amount": "42.50",
        "currency": "USD",
        "occurred_at": (timezone.now() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "meal_type": MealType.LUNCH,
        "order_type": "dine_in",
        "party_size": "2",
        "tax": "3.00",
        "tip": "5.00",
        "tags": "client, travel",
        "notes": "Team lunch",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("rows", [1, 50])
def test_expense_list_runs_a_constant_number_of_queries(web_client_for, member, django_assert_max_num_queries, rows):
    for expense in ExpenseFactory.create_batch(rows, owner=member, category=CategoryFactory(owner=member)):
        ExpenseTagFactory(expense=expense)
    client = web_client_for(member)

    with django_assert_max_num_queries(LIST_QUERY_LIMIT):
        response = client.get(reverse("expense_list"))

    assert response.status_code == HTTPStatus.OK


def test_expense_list_shows_only_the_members_own_expenses(web_client_for, member, teammate):
    ExpenseFactory(owner=member, restaurant=RestaurantFactory(owner=member, name="Mine Diner"))
    ExpenseFactory(owner=teammate, restaurant=RestaurantFactory(owner=teammate, name="Their Bistro"))

    response = web_client_for(member).get(reverse("expense_list"))

    assert "Mine Diner" in response.text
    assert "Their Bistro" not in response.text


def test_search_finds_expenses_by_restaurant_name(web_client_for, member):
    ExpenseFactory(owner=member, restaurant=RestaurantFactory(owner=member, name="Noodle Bar"))
    ExpenseFactory(owner=member, restaurant=RestaurantFactory(owner=member, name="Steak House"))

    response = web_client_for(member).get(reverse("expense_list"), {"q": "noodle"})

    assert [e.restaurant.name for e in response.context["expenses"]] == ["Noodle Bar"]


def test_filters_narrow_the_list_and_the_totals(web_client_for, member):
    lunch = CategoryFactory(owner=member, name="Lunches")
    ExpenseFactory(owner=member, category=lunch, amount=Decimal("10.00"), tax=0, tip=0)
    ExpenseFactory(owner=member, category=lunch, amount=Decimal("15.00"), tax=0, tip=0)
    ExpenseFactory(owner=member, amount=Decimal("99.00"), tax=0, tip=0)

    response = web_client_for(member).get(reverse("expense_list"), {"category": lunch.pk})

    totals = response.context["totals"]
    assert (totals["count"], totals["total"]) == (2, Decimal("25.00"))
    assert "$25.00 total" in response.text


def test_date_filter_uses_the_users_local_day(web_client_for, member):
    member.timezone = "America/New_York"
    member.save()
    late_evening = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=member.tzinfo)  # 11 March in UTC
    ExpenseFactory(owner=member, occurred_at=late_evening)

    response = web_client_for(member).get(reverse("expense_list"), {"date_from": "2026-03-10", "date_to": "2026-03-10"})

    assert len(response.context["expenses"]) == 1


def test_sorting_by_amount_puts_the_biggest_first(web_client_for, member):
    ExpenseFactory(owner=member, amount=Decimal("12.00"))
    ExpenseFactory(owner=member, amount=Decimal("80.00"))

    response = web_client_for(member).get(reverse("expense_list"), {"sort": "amount_desc"})

    assert [e.amount for e in response.context["expenses"]] == [Decimal("80.00"), Decimal("12.00")]


def test_sorting_by_category_orders_by_its_name(web_client_for, member):
    ExpenseFactory(owner=member, category=CategoryFactory(owner=member, name="Zucchini club"))
    ExpenseFactory(owner=member, category=CategoryFactory(owner=member, name="avocado bar"))

    response = web_client_for(member).get(reverse("expense_list"), {"sort": "category"})

    assert [e.category.name for e in response.context["expenses"]] == ["avocado bar", "Zucchini club"]


def test_search_finds_expenses_by_the_restaurants_branch(web_client_for, member):
    branch = RestaurantFactory(owner=member, name="Starbucks", location_name="Union Square", address_line_1="5 Bway")
    ExpenseFactory(owner=member, restaurant=branch)
    ExpenseFactory(owner=member, restaurant=RestaurantFactory(owner=member, name="Starbucks", address_line_1="2 Main"))

    response = web_client_for(member).get(reverse("expense_list"), {"q": "union"})

    assert [e.restaurant.location_name for e in response.context["expenses"]] == ["Union Square"]


def test_load_more_returns_the_next_rows_only(web_client_for, member):
    ExpenseFactory.create_batch(30, owner=member)

    response = web_client_for(member).get(reverse("expense_list"), {"page": 2}, headers={"HX-Request": "true"})

    assert response.status_code == HTTPStatus.OK
    assert len(response.context["expenses"]) == 5
    assert "<html" not in response.text


def test_first_page_offers_load_more_when_there_are_more_rows(web_client_for, member):
    ExpenseFactory.create_batch(26, owner=member)

    response = web_client_for(member).get(reverse("expense_list"))

    assert "Load more" in response.text


def test_detail_of_another_members_expense_is_not_found(web_client_for, member, teammate):
    expense = ExpenseFactory(owner=teammate)

    response = web_client_for(member).get(reverse("expense_detail", args=[expense.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_manager_sees_a_team_members_expense(web_client_for, manager, member):
    expense = ExpenseFactory(owner=member)

    response = web_client_for(manager).get(reverse("expense_detail", args=[expense.pk]))

    assert response.status_code == HTTPStatus.OK


def test_manager_of_another_team_cannot_see_the_expense(web_client_for, other_manager, member):
    expense = ExpenseFactory(owner=member)

    response = web_client_for(other_manager).get(reverse("expense_detail", args=[expense.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_detail_shows_amounts_in_the_currency_format_and_local_time(web_client_for, member):
    member.timezone = "Asia/Tokyo"
    member.save()
    expense = ExpenseFactory(
        owner=member, amount=Decimal("1234.50"), occurred_at=datetime.datetime(2026, 1, 5, 3, 0, tzinfo=datetime.UTC)
    )

    response = web_client_for(member).get(reverse("expense_detail", args=[expense.pk]))

    assert "$1,234.50" in response.text
    assert "Monday 5 January 2026, 12:00" in response.text


def test_new_expense_form_defaults_to_now_in_the_users_timezone(web_client_for, member):
    member.timezone = "Asia/Tokyo"
    member.save()

    before = timezone.now().astimezone(member.tzinfo).strftime("%Y-%m-%dT%H:%M")
    response = web_client_for(member).get(reverse("expense_create"))
    after = timezone.now().astimezone(member.tzinfo).strftime("%Y-%m-%dT%H:%M")

    assert f'value="{before}"' in response.text or f'value="{after}"' in response.text


def test_adding_an_expense_saves_it_with_its_tags(web_client_for, member):
    restaurant = RestaurantFactory(owner=member)

    response = web_client_for(member).post(reverse("expense_create"), expense_form_data(restaurant=restaurant.pk))

    expense = Expense.objects.get(owner=member)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("expense_detail", args=[expense.pk])
    assert (expense.amount, expense.party_size, expense.restaurant) == (Decimal("42.50"), 2, restaurant)
    assert sorted(tag.name for tag in expense.tags.all()) == ["client", "travel"]


def test_adding_an_expense_with_a_receipt_stores_the_receipt(web_client_for, member):
    upload = SimpleUploadedFile("lunch.png", PNG, content_type="image/png")

    web_client_for(member).post(reverse("expense_create"), {**expense_form_data(), "receipt": upload})

    receipt = Receipt.objects.get(expense__owner=member)
    assert (receipt.content_type, receipt.original_name) == ("image/png", "lunch.png")


def test_a_receipt_that_is_not_an_image_or_pdf_saves_nothing(web_client_for, member):
    upload = SimpleUploadedFile("evil.png", b"MZ not an image", content_type="image/png")

    response = web_client_for(member).post(reverse("expense_create"), {**expense_form_data(), "receipt": upload})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "receipt" in response.context["form"].errors
    assert not Expense.objects.filter(owner=member).exists()


def test_a_failed_save_reshows_the_input_with_field_errors(web_client_for, member):
    response = web_client_for(member).post(reverse("expense_create"), expense_form_data(amount="5.00", tip="9.00"))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "amount" in response.context["form"].errors
    assert 'value="Team lunch"' in response.text or "Team lunch</textarea>" in response.text
    assert 'value="client, travel"' in response.text


def test_someone_elses_restaurant_cannot_be_chosen(web_client_for, member, teammate):
    foreign = RestaurantFactory(owner=teammate)

    response = web_client_for(member).post(reverse("expense_create"), expense_form_data(restaurant=foreign.pk))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "restaurant" in response.context["form"].errors


def test_editing_changes_the_expense_and_bumps_its_version(web_client_for, member):
    expense = ExpenseFactory(owner=member)

    response = web_client_for(member).post(
        reverse("expense_edit", args=[expense.pk]), expense_form_data(amount="60.00", version=expense.version)
    )

    expense.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert (expense.amount, expense.version) == (Decimal("60.00"), 2)


def test_a_stale_edit_is_refused_instead_of_overwriting(web_client_for, member):
    expense = ExpenseFactory(owner=member, version=3)

    response = web_client_for(member).post(
        reverse("expense_edit", args=[expense.pk]), expense_form_data(amount="60.00", version=2)
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "changed since you opened it" in response.text


def test_a_submitted_expense_cannot_be_edited_by_its_owner(web_client_for, member):
    expense = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.SUBMITTED)

    response = web_client_for(member).get(reverse("expense_edit", args=[expense.pk]))

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_deleting_asks_first_then_removes_the_expense(web_client_for, member):
    expense = ExpenseFactory(owner=member)
    client = web_client_for(member)

    assert "Delete this meal?" in client.get(reverse("expense_delete", args=[expense.pk])).text
    response = client.post(reverse("expense_delete", args=[expense.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert not Expense.objects.filter(pk=expense.pk).exists()


def test_a_member_cannot_delete_another_members_expense(web_client_for, member, teammate):
    expense = ExpenseFactory(owner=teammate)

    response = web_client_for(member).post(reverse("expense_delete", args=[expense.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Expense.objects.filter(pk=expense.pk).exists()


def test_submitting_a_business_meal_sends_it_for_approval(web_client_for, member):
    expense = ExpenseFactory(owner=member, business=True)

    web_client_for(member).post(reverse("expense_submit", args=[expense.pk]))

    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.SUBMITTED


def test_submitting_without_a_purpose_explains_what_is_missing(web_client_for, member):
    expense = ExpenseFactory(owner=member, business=True, business_purpose="")

    response = web_client_for(member).post(reverse("expense_submit", args=[expense.pk]), follow=True)

    assert "business purpose" in response.text
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.DRAFT


def test_receipt_file_is_served_to_the_owner(web_client_for, member):
    receipt = ReceiptFactory(expense=ExpenseFactory(owner=member))

    response = web_client_for(member).get(reverse("receipt_file", args=[receipt.expense_id, receipt.pk]))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/png"


def test_receipt_file_is_not_found_for_another_member(web_client_for, member, teammate):
    receipt = ReceiptFactory(expense=ExpenseFactory(owner=teammate))

    response = web_client_for(member).get(reverse("receipt_file", args=[receipt.expense_id, receipt.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_usual_category_is_the_one_most_used_at_the_restaurant(web_client_for, member):
    restaurant = RestaurantFactory(owner=member)
    usual, rare = CategoryFactory(owner=member), CategoryFactory(owner=member)
    ExpenseFactory.create_batch(2, owner=member, restaurant=restaurant, category=usual)
    ExpenseFactory(owner=member, restaurant=restaurant, category=rare)

    response = web_client_for(member).get(reverse("usual_category"), {"restaurant": restaurant.pk})

    assert response.json() == {"category": usual.pk}


def test_usual_category_ignores_another_members_restaurant(web_client_for, member, teammate):
    restaurant = RestaurantFactory(owner=teammate)
    ExpenseFactory(owner=teammate, restaurant=restaurant, category=CategoryFactory(owner=teammate))

    response = web_client_for(member).get(reverse("usual_category"), {"restaurant": restaurant.pk})

    assert response.json() == {"category": None}


def test_calendar_places_meals_on_their_local_day(web_client_for, member):
    member.timezone = "America/Los_Angeles"
    member.save()
    ExpenseFactory(owner=member, occurred_at=datetime.datetime(2026, 2, 1, 4, 0, tzinfo=datetime.UTC))  # 31 Jan

    response = web_client_for(member).get(reverse("expense_calendar"), {"month": "2026-01"})

    day = next(d for week in response.context["weeks"] for d in week if d["date"] == datetime.date(2026, 1, 31))
    assert len(day["expenses"]) == 1


def test_calendar_runs_a_constant_number_of_queries(web_client_for, member, django_assert_max_num_queries):
    ExpenseFactory.create_batch(20, owner=member)
    client = web_client_for(member)

    with django_assert_max_num_queries(4):
        client.get(reverse("expense_calendar"))


def test_tag_filter_finds_tagged_expenses(web_client_for, member):
    tagged = ExpenseFactory(owner=member)
    ExpenseTagFactory(expense=tagged, tag=TagFactory(owner=member, name="client"))
    ExpenseFactory(owner=member)

    response = web_client_for(member).get(reverse("expense_list"), {"tag": "client"})

    assert [e.pk for e in response.context["expenses"]] == [tagged.pk]


def test_adding_a_meal_from_a_restaurant_preselects_its_usual_category(web_client_for, member):
    restaurant = RestaurantFactory(owner=member)
    usual = CategoryFactory(owner=member)
    ExpenseFactory(owner=member, restaurant=restaurant, category=usual)

    response = web_client_for(member).get(reverse("expense_create"), {"restaurant": restaurant.pk})

    assert response.context["form"].initial["category"] == usual.pk


@pytest.mark.parametrize(
    ("hour", "meal"),
    [
        (7, MealType.BREAKFAST),
        (12, MealType.LUNCH),
        (16, MealType.SNACKS),
        (19, MealType.DINNER),
        (2, MealType.LATE_NIGHT),
    ],
)
def test_the_meal_is_guessed_from_the_local_time_of_day(hour, meal):
    assert meal_type_for(datetime.datetime(2026, 5, 4, hour, 30, tzinfo=datetime.UTC)) == meal


def test_the_filter_offers_the_owners_own_picks_labelled_as_the_pages_name_them(web_client_for, member, teammate):
    from expenses.tests.factories import MerchantFactory
    from expenses.tests.trip_factories import TripFactory

    lunch = CategoryFactory(owner=member, name="Lunches")
    CategoryFactory(owner=teammate, name="Not mine")
    branch = RestaurantFactory(owner=member, name="Pret A Manger 12", location_name="Soho", city="London",
                               merchant=MerchantFactory(short_name="Pret"))  # fmt: skip
    TagFactory(owner=member, name="client")
    trip = TripFactory(owner=member, name="Boston", start_date=datetime.date(2026, 3, 2),
                       end_date=datetime.date(2026, 3, 4))  # fmt: skip

    response = web_client_for(member).get(reverse("expense_list"), {"category": lunch.pk})
    fields = response.context["form"].fields

    assert dict(fields["category"].choices)[str(lunch.pk)] == "Lunches"
    assert "Not mine" not in dict(fields["category"].choices).values()
    assert dict(fields["restaurant"].choices)[str(branch.pk)] == "Pret - Soho (London)"
    assert dict(fields["tag"].choices) == {"": "Any", "client": "client"}
    assert dict(fields["trip"].choices)[str(trip.pk)] == "Boston (2026-03-02 to 2026-03-04)"
    assert "Category: Lunches" in response.text  # the active filter's chip names the category


def test_a_category_of_someone_else_is_not_a_choice(web_client_for, member, teammate):
    theirs = CategoryFactory(owner=teammate)

    response = web_client_for(member).get(reverse("expense_list"), {"category": theirs.pk})

    assert "category" in response.context["form"].errors
