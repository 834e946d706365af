from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from expenses.tests.factories import RestaurantFactory
from expenses.tests.places_server import running_fake_places

pytestmark = pytest.mark.django_db
GOLDEN_SPOON = "ChIJgoldenspoon0001"


@pytest.fixture
def fake_places(settings):
    yield from running_fake_places(settings)


@pytest.fixture
def wrong_phone(member):
    return RestaurantFactory(
        owner=member, name="The Golden Spoon", place_id=GOLDEN_SPOON, address_line_1="123 Main St", city="Boston",
        region="MA", postal_code="02110", country="US", phone="617-555-9999", website="https://goldenspoon.example",
        price_level=2, cuisine="Italian", service_level="casual_dining",
        latitude=Decimal("42.355433"), longitude=Decimal("-71.064040"),
    )  # fmt: skip


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("validate_restaurants", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_lists_differences_and_a_summary_without_changing_anything(fake_places, wrong_phone):
    out, _ = run()

    assert "phone: '617-555-9999' -> '(617) 555-0123'" in out
    assert "Checked 1 restaurants: 0 match Google, 1 differ, 0 errors; 0 without a place id skipped." in out
    wrong_phone.refresh_from_db()
    assert wrong_phone.phone == "617-555-9999"


def test_fix_copies_googles_values(fake_places, wrong_phone):
    out, _ = run("--fix")

    wrong_phone.refresh_from_db()
    assert wrong_phone.phone == "(617) 555-0123"
    assert "1 differ, 1 fixed" in out


def test_fix_with_dry_run_changes_nothing(fake_places, wrong_phone):
    out, _ = run("--fix", "--dry-run")

    wrong_phone.refresh_from_db()
    assert wrong_phone.phone == "617-555-9999"
    assert "would fix (dry run)" in out


def test_user_limits_the_check_to_one_users_restaurants(fake_places, wrong_phone, outsider):
    RestaurantFactory(owner=outsider, place_id="ChIJdoesnotexist00")

    out, err = run("--user", "MEMBER@example.com")

    assert "Checked 1 restaurants" in out
    assert err == ""


def test_restaurants_without_a_place_id_are_skipped_and_counted(fake_places, member):
    RestaurantFactory(owner=member, place_id=None)

    out, _ = run()

    assert "Checked 0 restaurants" in out
    assert "1 without a place id skipped" in out


def test_a_place_google_no_longer_knows_is_an_error_line_not_a_crash(fake_places, member):
    RestaurantFactory(owner=member, place_id="ChIJdoesnotexist00")

    out, err = run()

    assert "Google has no such place" in err
    assert "1 errors" in out


def test_an_unknown_user_is_a_command_error(fake_places):
    with pytest.raises(CommandError, match=r"nobody@example\.com"):
        run("--user", "nobody@example.com")


def test_without_a_places_key_the_command_refuses_to_run(settings):
    settings.PLACES_API_KEY = ""

    with pytest.raises(CommandError, match="PLACES_API_KEY"):
        run()


def test_an_upstream_outage_stops_the_run_with_a_summary(fake_places, wrong_phone):
    fake_places.fail_with = 503

    with pytest.raises(CommandError, match="Stopped"):
        run()
