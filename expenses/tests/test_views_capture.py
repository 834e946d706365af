"""The add-meal page's capture helpers: a restaurant created inline (the htmx dialog), "log again", a meal saved once
per idempotency key (a double tap, or the browser's outbox sending it again), and why a receipt is not read."""

import datetime
import json
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from expenses.models import Expense, Restaurant
from expenses.services.ocr import restaurant_fields_from_receipt
from expenses.tests.factories import CategoryFactory, ExpenseFactory, ExpenseTagFactory, RestaurantFactory, TagFactory
from mealtracker.models import IdempotencyKey

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def meal(**changes) -> dict:
    return {
        "amount": "31.40", "currency": "USD", "occurred_at": "2026-03-07T19:42", "meal_type": "dinner",
        "order_type": "dine_in", "party_size": "1", **changes,
    }  # fmt: skip


# --- A new restaurant from the form, in a dialog ------------------------------------------------------------------


def test_the_dialog_form_is_filled_in_from_what_the_receipt_printed(member, web_client_for):
    response = web_client_for(member).get(
        reverse("restaurant_create_inline"),
        {"name": "THE GOLDEN SPOON", "address": "123 Main Street, Boston, MA 02110", "phone": "(617) 555-0123"},
        **HTMX,
    )

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    for name, value in {
        "name": "The Golden Spoon", "address_line_1": "123 Main Street", "city": "Boston", "region": "MA",
        "postal_code": "02110", "country": "US", "phone": "(617) 555-0123",
    }.items():  # fmt: skip
        assert re.search(rf'name="new_restaurant-{name}"[^>]*value="{re.escape(value)}"', page), name
    assert 'hx-post="/restaurants/new/inline/"' in page


def test_without_scripts_the_new_restaurant_link_opens_the_full_page(member, web_client_for):
    response = web_client_for(member).get(reverse("restaurant_create_inline"))

    assert (response.status_code, response.url) == (HTTPStatus.FOUND, reverse("restaurant_create"))


def test_the_dialog_creates_the_restaurant_and_tells_the_page_its_id_and_label(member, web_client_for):
    response = web_client_for(member).post(
        reverse("restaurant_create_inline"),
        {"new_restaurant-name": "The Golden Spoon", "new_restaurant-city": "Boston", "new_restaurant-country": "US"},
        **HTMX,
    )

    assert response.status_code == HTTPStatus.OK
    spoon = Restaurant.objects.get(owner=member)
    assert (spoon.name, spoon.city) == ("The Golden Spoon", "Boston")
    assert json.loads(response["HX-Trigger"]) == {
        "restaurantCreated": {"id": spoon.pk, "label": "The Golden Spoon (Boston)"}
    }
    assert Expense.objects.count() == 0


def test_a_restaurant_the_user_already_has_is_refused_in_the_dialog_on_its_name(member, web_client_for):
    RestaurantFactory(owner=member, name="The Golden Spoon", city="Boston", country="US")

    response = web_client_for(member).post(
        reverse("restaurant_create_inline"),
        {"new_restaurant-name": "the golden spoon", "new_restaurant-city": "Boston", "new_restaurant-country": "US"},
        **HTMX,
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "HX-Trigger" not in response
    assert "You already have The Golden Spoon" in response.content.decode()
    assert 'aria-describedby="id_new_restaurant-name_error' in response.content.decode()
    assert Restaurant.objects.filter(owner=member).count() == 1


def test_a_restaurant_without_a_name_is_refused_on_the_name(member, web_client_for):
    response = web_client_for(member).post(
        reverse("restaurant_create_inline"), {"new_restaurant-city": "Boston"}, **HTMX
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "id_new_restaurant-name_error" in response.content.decode()
    assert not Restaurant.objects.exists()


def test_the_dialog_needs_a_signed_in_user(client, db):
    response = client.post(reverse("restaurant_create_inline"), {"new_restaurant-name": "Spoon"}, **HTMX)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))
    assert not Restaurant.objects.exists()


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ({"name": "JOE'S PIZZA"}, {"name": "Joe's Pizza"}),
        ({"name": "Blue  Harbor Cafe"}, {"name": "Blue Harbor Cafe"}),
        ({"name": "Spoon", "address": "9 Elm St"}, {"name": "Spoon", "address_line_1": "9 Elm St"}),
        ({"name": "Spoon", "address": "9 Elm St, somewhere abroad"}, {"name": "Spoon", "address_line_1": "9 Elm St"}),
    ],
)
def test_a_receipt_prints_a_restaurant_as_people_write_it(printed, expected):
    assert restaurant_fields_from_receipt(**printed) == expected


# --- Log again ----------------------------------------------------------------------------------------------------


def test_log_again_fills_the_form_with_the_meal_at_the_current_time(member, web_client_for):
    category = CategoryFactory(owner=member, name="Team lunches")
    past = ExpenseFactory(
        owner=member, amount=Decimal("18.20"), tip=Decimal("2.00"), category=category, meal_type="lunch",
        party_size=3, notes="Usual table", occurred_at=timezone.now() - datetime.timedelta(days=40),
        cleared_on=datetime.date(2026, 1, 3),
    )  # fmt: skip
    ExpenseTagFactory(expense=past, tag=TagFactory(owner=member, name="team"))

    response = web_client_for(member).get(reverse("expense_create"), {"again": past.pk})

    form = response.context["form"]
    assert response.status_code == HTTPStatus.OK
    assert {name: form[name].value() for name in ("amount", "tip", "restaurant", "category", "meal_type")} == {
        "amount": Decimal("18.20"), "tip": Decimal("2.00"), "restaurant": past.restaurant_id,
        "category": category.pk, "meal_type": "lunch",
    }  # fmt: skip
    assert (form["party_size"].value(), form["tags"].value(), form["notes"].value()) == (3, "team", "Usual table")
    shown_at = timezone.make_aware(form["occurred_at"].value(), member.tzinfo)  # the form's local wall clock
    assert abs(shown_at - timezone.now()) < datetime.timedelta(minutes=2)
    assert not form["cleared_on"].value()
    assert "Log again" in response.content.decode()


def test_the_meal_page_offers_log_again_to_its_owner_only(member, manager, web_client_for):
    past = ExpenseFactory(owner=member)
    link = f'href="{reverse("expense_create")}?again={past.pk}"'

    assert link in web_client_for(member).get(reverse("expense_detail", args=[past.pk])).content.decode()
    assert link not in web_client_for(manager).get(reverse("expense_detail", args=[past.pk])).content.decode()


def test_each_of_the_users_meal_rows_links_log_again(member, web_client_for):
    past = ExpenseFactory(owner=member)

    page = web_client_for(member).get(reverse("expense_list")).content.decode()

    assert f'href="{reverse("expense_create")}?again={past.pk}"' in page


def test_log_again_of_a_teammates_meal_seen_as_manager_starts_an_empty_form(member, manager, web_client_for):
    past = ExpenseFactory(owner=member, amount=Decimal("18.20"))

    response = web_client_for(manager).get(reverse("expense_create"), {"again": past.pk})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"]["amount"].value() is None


def test_log_again_of_someone_elses_meal_is_not_found(member, outsider, web_client_for):
    past = ExpenseFactory(owner=outsider)

    response = web_client_for(member).get(reverse("expense_create"), {"again": past.pk})

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_saving_a_meal_logged_again_makes_a_new_meal(member, web_client_for):
    past = ExpenseFactory(owner=member)
    client = web_client_for(member)

    response = client.post(
        f"{reverse('expense_create')}?again={past.pk}",
        meal(amount="24.50", restaurant=str(past.restaurant_id), idempotency_key="k-again"),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Expense.objects.filter(owner=member).count() == 2


# --- One meal per idempotency key ---------------------------------------------------------------------------------


def test_the_form_carries_a_new_idempotency_key_each_time_it_is_shown(member, web_client_for):
    client = web_client_for(member)
    keys = [client.get(reverse("expense_create")).context["idempotency_key"] for _ in range(2)]

    assert keys[0] != keys[1]
    assert f'name="idempotency_key" value="{keys[0]}"' not in client.get(reverse("expense_create")).content.decode()


def test_the_same_form_sent_twice_saves_one_meal_and_shows_it_both_times(member, web_client_for):
    client = web_client_for(member)

    first = client.post(reverse("expense_create"), meal(idempotency_key="tap-1"))
    second = client.post(reverse("expense_create"), meal(idempotency_key="tap-1"))

    expense = Expense.objects.get(owner=member)
    assert (first.status_code, first.url) == (HTTPStatus.FOUND, reverse("expense_detail", args=[expense.pk]))
    assert (second.status_code, second.url, second["Idempotent-Replayed"]) == (HTTPStatus.FOUND, first.url, "true")
    assert [str(m) for m in get_messages(second.wsgi_request)][-1] == "This meal was already saved; here it is."


def test_the_outbox_sends_its_key_in_the_header_and_a_retry_saves_nothing_new(member, web_client_for):
    client = web_client_for(member)
    headers = {"HTTP_IDEMPOTENCY_KEY": "outbox-7f1c"}

    first = client.post(reverse("expense_create"), meal(idempotency_key="outbox-7f1c"), **headers)
    retry = client.post(reverse("expense_create"), meal(idempotency_key="outbox-7f1c"), **headers)

    assert first.url == retry.url
    assert Expense.objects.filter(owner=member).count() == 1
    assert IdempotencyKey.objects.get(user=member).key == "outbox-7f1c"


def test_the_same_key_with_other_values_is_refused_and_saves_nothing_more(member, web_client_for):
    client = web_client_for(member)
    client.post(reverse("expense_create"), meal(idempotency_key="tap-2"))

    response = client.post(reverse("expense_create"), meal(amount="99.00", idempotency_key="tap-2"))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "already saved with other values" in response.content.decode()
    assert Expense.objects.filter(owner=member).count() == 1


def test_a_refused_meal_keeps_no_key_so_the_corrected_form_saves(member, web_client_for):
    client = web_client_for(member)

    refused = client.post(reverse("expense_create"), meal(amount="", idempotency_key="tap-3"))
    saved = client.post(reverse("expense_create"), meal(idempotency_key="tap-3"))

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert 'value="tap-3"' in refused.content.decode()  # the form shown again keeps its key
    assert saved.status_code == HTTPStatus.FOUND
    assert Expense.objects.filter(owner=member).count() == 1


def test_keys_belong_to_one_user(member, teammate, web_client_for):
    web_client_for(member).post(reverse("expense_create"), meal(idempotency_key="shared"))
    web_client_for(teammate).post(reverse("expense_create"), meal(idempotency_key="shared"))

    assert Expense.objects.filter(owner__in=[member, teammate]).count() == 2


def test_without_a_key_each_post_is_a_meal(member, web_client_for):
    client = web_client_for(member)
    client.post(reverse("expense_create"), meal())
    client.post(reverse("expense_create"), meal())

    assert Expense.objects.filter(owner=member).count() == 2


def test_a_key_longer_than_the_store_holds_is_refused(member, web_client_for):
    response = web_client_for(member).post(reverse("expense_create"), meal(idempotency_key="k" * 256))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Expense.objects.exists()


# --- Why a receipt is not read ------------------------------------------------------------------------------------


def test_with_reading_off_the_form_says_so_and_offers_no_reading(member, web_client_for, settings):
    settings.OCR_BACKEND = "none"

    page = web_client_for(member).get(reverse("expense_create")).content.decode()

    assert "Receipt reading is off on this server, so nothing is filled in from the photo" in page
    assert "data-receipt-prefill-url" not in page
    assert 'capture="environment"' in page


def test_with_tesseract_chosen_but_missing_the_form_says_it_is_not_installed(member, web_client_for, settings):
    settings.OCR_BACKEND = "tesseract"
    settings.OCR_TESSERACT_CMD = "/nonexistent/tesseract"

    page = web_client_for(member).get(reverse("expense_create")).content.decode()

    assert "Receipt reading is on, but tesseract is not installed on this server" in page
    assert "data-receipt-prefill-url" not in page


def test_on_a_developers_machine_the_form_says_how_to_turn_reading_on(member, web_client_for, settings):
    settings.OCR_BACKEND = "none"
    settings.DEBUG = True

    page = web_client_for(member).get(reverse("expense_create")).content.decode()

    assert "<code>make ocr</code>" in page
