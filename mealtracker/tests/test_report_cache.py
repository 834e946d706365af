"""Report and dashboard figures come from the cache until the data they sum changes, and never stale after a write."""

import datetime
import socket
import uuid
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expenses.services.expenses import expense_create
from expenses.tests.factories import ExpenseFactory
from mealtracker import report_cache, write_stamps


@pytest.fixture(autouse=True)
def figures_cached(settings):
    settings.REPORT_CACHE_SECONDS = 300


def an_hour_ago():
    return timezone.now() - datetime.timedelta(hours=1)


def queries_for(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def dashboard_total(client) -> Decimal:
    response = client.get(reverse("home"))
    assert response.status_code == HTTPStatus.OK
    return response.context["summary"].total


def reports_total(client, **query) -> Decimal:
    response = client.get(reverse("reports"), query)
    assert response.status_code == HTTPStatus.OK
    return response.context["summary"]["total"]


def test_second_visit_to_the_reports_page_reads_its_figures_from_the_cache(web_client_for, member):
    ExpenseFactory(owner=member, occurred_at=an_hour_ago())
    client = web_client_for(member)
    first = queries_for(lambda: client.get(reverse("reports")))
    second = queries_for(lambda: client.get(reverse("reports")))
    assert second < first


def test_dashboard_shows_a_meal_logged_through_the_api_at_once(web_client_for, api_client_for, member):
    ExpenseFactory(owner=member, occurred_at=an_hour_ago(), amount=Decimal("10.00"), reporting_amount=Decimal("10"))
    web = web_client_for(member)
    assert dashboard_total(web) == Decimal("10.00")
    created = api_client_for(member).post(
        reverse("expenses_api:expense-list"), {"amount": "5.25", "occurred_at": an_hour_ago().isoformat()}
    )
    assert created.status_code == HTTPStatus.CREATED
    assert dashboard_total(web) == Decimal("15.25")


def test_reports_page_shows_a_meal_written_outside_any_request(web_client_for, member):
    ExpenseFactory(owner=member, occurred_at=an_hour_ago(), amount=Decimal("10.00"), reporting_amount=Decimal("10"))
    web = web_client_for(member)
    assert reports_total(web) == Decimal("10.00")
    expense_create(owner=member, amount=Decimal("2.50"), occurred_at=an_hour_ago())  # a job or a command
    assert reports_total(web) == Decimal("12.50")


def test_deleting_a_meal_changes_the_figures_at_once(web_client_for, api_client_for, member):
    kept = ExpenseFactory(owner=member, occurred_at=an_hour_ago(), amount=Decimal("10"), reporting_amount=Decimal("10"))
    gone = ExpenseFactory(owner=member, occurred_at=an_hour_ago(), amount=Decimal("20"), reporting_amount=Decimal("20"))
    web = web_client_for(member)
    assert reports_total(web) == Decimal("30.00")
    deleted = api_client_for(member).delete(reverse("expenses_api:expense-detail", args=[gone.pk]))
    assert deleted.status_code == HTTPStatus.NO_CONTENT
    assert reports_total(web) == kept.amount


def test_managers_team_figures_follow_a_members_new_meal(web_client_for, api_client_for, manager, member):
    web = web_client_for(manager)
    before = reports_total(web, scope="team")
    api_client_for(member).post(
        reverse("expenses_api:expense-list"), {"amount": "7.00", "occurred_at": an_hour_ago().isoformat()}
    )
    assert reports_total(web, scope="team") == before + Decimal("7.00")


def test_figures_are_kept_per_user(web_client_for, member, teammate):
    ExpenseFactory(owner=member, occurred_at=an_hour_ago(), amount=Decimal("10"), reporting_amount=Decimal("10"))
    assert reports_total(web_client_for(member)) == Decimal("10.00")
    assert reports_total(web_client_for(teammate)) == Decimal("0")


def test_figures_are_kept_per_filter(web_client_for, member):
    ExpenseFactory(owner=member, occurred_at=an_hour_ago(), amount=Decimal("10"), reporting_amount=Decimal("10"))
    web = web_client_for(member)
    assert reports_total(web) == Decimal("10.00")
    assert reports_total(web, meal_type="dinner") == Decimal("0")


def test_a_cache_that_does_not_answer_costs_speed_not_the_page(web_client_for, member, monkeypatch):
    ExpenseFactory(owner=member, occurred_at=an_hour_ago(), amount=Decimal("10"), reporting_amount=Decimal("10"))

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    web = web_client_for(member)
    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "get", down)
    assert reports_total(web) == Decimal("10.00")


def test_member_keys_depend_on_their_own_and_their_teams_stamps_only(member, manager):
    assert report_cache.stamp_keys(member) == [
        write_stamps.user_key(member.pk),
        write_stamps.team_key(member.team_id),
    ]
    assert write_stamps.EVERYONE_KEY in report_cache.stamp_keys(manager)


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379 (.ci/run starts one)")
def test_on_redis_figures_are_cached_and_a_write_moves_the_key(settings, member):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "TIMEOUT": 60,
        }
    }
    computed = []

    def figures():
        return report_cache.cached_figures(member, "test", ("filters",), lambda: computed.append(1) or len(computed))

    assert figures() == 1
    assert figures() == 1
    write_stamps.data_changed(user_ids=[member.pk])
    assert figures() == 2
    assert not write_stamps.wrote_recently(member.pk + 1000)
    assert write_stamps.wrote_recently(member.pk)


def test_a_managers_decision_moves_the_owners_keys(member, manager):
    from expenses.choices import ExpenseStatus
    from expenses.services.approvals import expense_approve

    expense = ExpenseFactory(owner=member, business=True, status=ExpenseStatus.SUBMITTED, occurred_at=an_hour_ago())
    before = report_cache.figures_key(member, "reports_page", ("filters",))
    expense_approve(expense=expense, actor=manager)
    assert report_cache.figures_key(member, "reports_page", ("filters",)) != before
