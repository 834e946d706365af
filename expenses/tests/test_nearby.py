from decimal import Decimal

import pytest

from expenses.geo import metres_between, restaurants_near
from expenses.tests.factories import RestaurantFactory
from mealtracker.errors import DomainError

pytestmark = pytest.mark.django_db
BOSTON_COMMON = (Decimal("42.355100"), Decimal("-71.065600"))


def at(owner, name, latitude, longitude):
    return RestaurantFactory(owner=owner, name=name, latitude=Decimal(latitude), longitude=Decimal(longitude))


def test_restaurants_within_the_radius_come_nearest_first_with_their_distance(member):
    far = at(member, "Cambridge", "42.373600", "-71.109700")  # ~4.1 km
    near = at(member, "Downtown", "42.355400", "-71.060300")  # ~0.4 km
    at(member, "Worcester", "42.262600", "-71.802300")  # ~61 km

    found = list(restaurants_near(member, *BOSTON_COMMON, radius_km=5))

    assert found == [near, far]
    assert found[1].distance_km == pytest.approx(
        metres_between(*BOSTON_COMMON, far.latitude, far.longitude) / 1000, rel=1e-6
    )


def test_the_database_distance_agrees_with_the_haversine_formula(member):
    paris = at(member, "Paris", "48.856600", "2.352200")

    [found] = restaurants_near(member, "51.507400", "-0.127800", radius_km=400)  # from London

    assert found == paris
    assert found.distance_km == pytest.approx(343.5, abs=1)


def test_other_users_restaurants_are_never_near(member, outsider):
    at(outsider, "Theirs", "42.355400", "-71.060300")

    assert list(restaurants_near(member, *BOSTON_COMMON, radius_km=5)) == []


def test_restaurants_without_coordinates_are_left_out(member):
    RestaurantFactory(owner=member, latitude=None, longitude=None)

    assert list(restaurants_near(member, *BOSTON_COMMON, radius_km=5)) == []


def test_a_point_inside_the_bounding_box_but_outside_the_circle_is_left_out(member):
    at(member, "Corner", "42.395000", "-71.013000")  # inside the 5 km box's corner, ~6 km away

    assert list(restaurants_near(member, *BOSTON_COMMON, radius_km=5)) == []


def test_the_search_works_across_the_antimeridian(member):
    fiji_east = at(member, "Taveuni", "-16.800000", "179.990000")

    found = list(restaurants_near(member, "-16.800000", "-179.990000", radius_km=10))

    assert found == [fiji_east]


def test_the_search_works_near_a_pole(member):
    station = at(member, "Station", "89.990000", "45.000000")

    assert list(restaurants_near(member, "89.995000", "-135.000000", radius_km=5)) == [station]


@pytest.mark.parametrize(
    ("latitude", "longitude", "radius"),
    [("91", "0", 5), ("0", "181", 5), ("0", "0", 0), ("0", "0", 501), ("north", "0", 5)],
)
def test_impossible_coordinates_or_radius_are_refused(member, latitude, longitude, radius):
    with pytest.raises(DomainError):
        restaurants_near(member, latitude, longitude, radius)


def test_the_nearby_query_uses_one_query(member, django_assert_num_queries):
    at(member, "Downtown", "42.355400", "-71.060300")

    with django_assert_num_queries(1):
        list(restaurants_near(member, *BOSTON_COMMON, radius_km=5))
