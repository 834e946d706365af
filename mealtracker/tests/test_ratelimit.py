"""Rate limits counted in the database: a sliding window, atomic under concurrency, purged when spent."""

import threading
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import connection

from mealtracker import ratelimit
from mealtracker.api.throttles import UserRateThrottle
from mealtracker.models import RateCounter

PERIOD = 60
START = 1_700_000_040.0  # a window boundary in the past (divisible by 60)


def hits(key, times, limit=3):
    return [ratelimit.hit(key, limit=limit, period=PERIOD, now=START + t).allowed for t in times]


@pytest.mark.django_db
def test_allows_the_limit_within_a_window_then_refuses():
    assert hits("k", [0, 1, 2, 3, 4]) == [True, True, True, False, False]


@pytest.mark.django_db
def test_keys_are_counted_apart():
    assert hits("a", [0, 1, 2, 3]) == [True, True, True, False]
    assert hits("b", [4]) == [True]


@pytest.mark.django_db
def test_no_double_burst_across_a_window_boundary():
    # Three at the very end of one window: a fixed window would allow three more at once after the boundary.
    assert hits("k", [57, 58, 59]) == [True, True, True]
    assert hits("k", [61]) == [False]
    # Half-way into the next window, half of the previous window's hits still weigh: 1.5 + 1 ≤ 3.
    assert hits("k", [90]) == [True]


@pytest.mark.django_db
def test_a_quiet_window_forgets_older_hits():
    assert hits("k", [0, 1, 2, 3]) == [True, True, True, False]
    assert hits("k", [130, 131, 132]) == [True, True, True]  # two windows later: nothing carries over


@pytest.mark.django_db
def test_retry_after_points_to_when_a_request_fits_again():
    verdicts = [ratelimit.hit("k", limit=2, period=PERIOD, now=START + t) for t in (10, 11, 12)]

    refused = verdicts[-1]
    assert not refused.allowed
    # Two accepted hits this window; one more fits once 2 * (1 - e/60) + 1 <= 2, i.e. 30 s into the next window.
    assert refused.retry_after == pytest.approx((PERIOD - 12) + 30)
    later = ratelimit.hit("k", limit=2, period=PERIOD, now=START + 12 + refused.retry_after + 0.5)
    assert later.allowed


@pytest.mark.django_db
def test_a_late_clock_counts_into_the_current_window_instead_of_resetting_it():
    assert hits("k", [61, 62, 63]) == [True, True, True]
    assert hits("k", [59]) == [False]  # an instance whose clock is behind still sees the stored window
    assert RateCounter.objects.get(key="k").window_start == START + 60


@pytest.mark.django_db
def test_purge_removes_only_spent_counters():
    ratelimit.hit("old", limit=5, period=PERIOD, now=START)
    ratelimit.hit("new", limit=5, period=PERIOD, now=START + 600)

    assert ratelimit.counters_purge(now=START + 130) == 1
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db
def test_purge_command_reports_what_it_removed(capsys):
    ratelimit.hit("old", limit=5, period=PERIOD, now=START)
    call_command("purge_rate_counters")
    assert "Removed 1 expired rate counter(s)." in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_all_counted():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; concurrency is a PostgreSQL property")
    from django.db import connections

    def worker():
        try:
            for _ in range(25):
                ratelimit.hit("shared", limit=10_000, period=3600)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert RateCounter.objects.get(key="shared").hits == 100


@pytest.mark.django_db
def test_the_api_answers_429_with_retry_after_and_one_query_per_request(
    member, api_client_for, monkeypatch, django_assert_num_queries
):
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "2/minute")
    client = api_client_for(member)

    statuses = [client.get("/api/v1/categories/").status_code for _ in range(2)]
    refused = client.get("/api/v1/categories/")

    assert statuses == [HTTPStatus.OK, HTTPStatus.OK]
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused["Content-Type"].startswith("application/problem+json")
    assert 0 < int(refused["Retry-After"]) <= 120
    with django_assert_num_queries(2):  # refused before any other query: the count and taking it back
        client.get("/api/v1/categories/")


@pytest.mark.django_db
def test_refused_requests_are_not_counted():
    assert hits("k", list(range(40))) == [True] * 3 + [False] * 37
    assert RateCounter.objects.get(key="k").hits == 3
