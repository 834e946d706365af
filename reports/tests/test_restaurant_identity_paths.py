"""Imports and restores obey the restaurant identity rule (place id, else name + address) and link each new
restaurant to its brand, in bulk."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from expenses.choices import ServiceLevel
from expenses.models import Expense, Restaurant
from expenses.tests.factories import MerchantFactory, RestaurantFactory
from reports.services.backups import user_data_export, user_data_import
from reports.services.imports import ImportFailed, import_batch_apply, import_batch_create

pytestmark = pytest.mark.django_db
HEADER = "date,time,amount,restaurant,address,city,zip,country,place_id"


@pytest.fixture
def starbucks():
    return MerchantFactory(name="Starbucks", short_name="", cuisine="Cafe", service_level=ServiceLevel.QUICK_SERVICE)


def row(n: int, name="Starbucks", address="", city="New York", postal="", country="US", place_id="") -> str:
    return f"2026-03-{n % 28 + 1:02d},12:{n % 60:02d},{10 + n}.25,{name},{address},{city},{postal},{country},{place_id}"


def review(owner, rows):
    return import_batch_create(owner=owner, filename="meals.csv", payload="\n".join([HEADER, *rows]).encode())


def imported(owner, rows):
    batch = review(owner, rows)
    import_batch_apply(batch=batch, actor=owner)
    return batch


def restaurant_of(batch, line_number: int) -> Restaurant:
    return batch.rows.select_related("expense__restaurant").get(line_number=line_number).expense.restaurant


def test_two_branches_in_one_city_are_imported_as_two_restaurants_of_their_brand(member, starbucks):
    imported(member, [row(1, address="1585 Broadway"), row(2, address="195 Broadway"), row(3, address="1585 BROADWAY")])
    restaurants = Restaurant.objects.filter(owner=member).order_by("address_line_1")
    assert [(r.address_line_1, r.merchant, r.cuisine) for r in restaurants] == [
        ("1585 Broadway", starbucks, "Cafe"),
        ("195 Broadway", starbucks, "Cafe"),
    ]
    assert Expense.objects.filter(owner=member, restaurant=restaurants[0]).count() == 2


def test_rows_with_one_place_id_share_one_restaurant_and_find_the_one_you_saved(member):
    saved = RestaurantFactory(owner=member, name="Starbucks", place_id="ChIJmidtown", address_line_1="1585 Broadway")
    batch = imported(member, [row(1, place_id="ChIJmidtown"), row(2, place_id="ChIJdowntown"),
                              row(3, place_id="ChIJdowntown", address="195 Broadway")])  # fmt: skip
    assert batch.rows.get(line_number=2).restaurant == saved
    assert Restaurant.objects.filter(owner=member).count() == 2
    assert restaurant_of(batch, 3) == restaurant_of(batch, 4) != saved


def test_a_row_with_your_restaurants_name_and_address_is_matched_to_it(member):
    midtown = RestaurantFactory(owner=member, name="Starbucks", address_line_1="1585 Broadway", city="New York")
    batch = review(member, [row(1, name="STARBUCKS", address="1585  broadway", city="new york")])
    assert batch.rows.get().restaurant == midtown


def test_a_bank_line_with_only_a_name_is_your_only_restaurant_of_that_name_but_not_one_of_two(member):
    RestaurantFactory(owner=member, name="Joe's Pizza", address_line_1="7 Carmine St")
    joes = Restaurant.objects.get(owner=member)
    assert review(member, [row(1, name="Joe's Pizza", city="", country="")]).rows.get().restaurant == joes

    RestaurantFactory(owner=member, name="Joe's Pizza", address_line_1="1435 Broadway")
    assert review(member, [row(1, name="Joe's Pizza", city="", country="")]).rows.get().restaurant is None


def test_a_refused_restaurant_fails_its_row_by_line_and_writes_nothing(member):
    batch = review(member, [row(1, address="1585 Broadway"), row(2, address="195 Broadway")])
    changed = batch.rows.get(line_number=3)
    changed.values = {**changed.values, "restaurant_country": "1A"}  # as no reading of a file would leave it
    changed.save()
    with pytest.raises(ImportFailed) as failed:
        import_batch_apply(batch=batch, actor=member)
    assert failed.value.errors == {"line 3": ["country: Use an ISO country code."]}
    assert not Restaurant.objects.exists()
    assert not Expense.objects.exists()


def test_apply_finds_and_links_restaurants_in_queries_that_do_not_grow_with_the_rows(member, starbucks):
    def restaurant_and_merchant_reads(first: int, count: int) -> int:
        batch = review(member, [row(n, address=f"{n} Broadway") for n in range(first, first + count)])
        with CaptureQueriesContext(connection) as captured:
            import_batch_apply(batch=batch, actor=member)
        reads = ('SELECT "expenses_restaurant"."id"', 'SELECT "expenses_merchant"."id"')
        return sum(query["sql"].startswith(reads) for query in captured)

    assert restaurant_and_merchant_reads(0, 40) == restaurant_and_merchant_reads(100, 4)
    assert Restaurant.objects.filter(owner=member, merchant=starbucks).count() == 44


def test_a_restore_keeps_two_branches_and_links_each_restaurant_to_its_brand(member, starbucks):
    blue_bottle = MerchantFactory(name="Blue Bottle", short_name="")
    RestaurantFactory(owner=member, name="Starbucks", address_line_1="1585 Broadway", merchant=starbucks)
    RestaurantFactory(owner=member, name="Starbucks", address_line_1="195 Broadway", merchant=starbucks)
    RestaurantFactory(owner=member, name="Blue Bottle Chelsea", merchant=None)  # saved before it was linked
    data = json.loads(user_data_export(member))
    member.delete()

    with CaptureQueriesContext(connection) as captured:
        restored = user_data_import(data)

    links = sorted(Restaurant.objects.filter(owner=restored).values_list("name", "address_line_1", "merchant"))
    assert links == [
        ("Blue Bottle Chelsea", "", blue_bottle.pk),
        ("Starbucks", "1585 Broadway", starbucks.pk),
        ("Starbucks", "195 Broadway", starbucks.pk),
    ]
    assert sum(query["sql"].startswith('INSERT INTO "expenses_restaurant"') for query in captured) == 1
