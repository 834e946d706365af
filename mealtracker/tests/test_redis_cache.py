"""With Redis as the cache: throttle counters and login lockouts live in it, and Redis not answering is never a 500.

The tests that need a real Redis use 127.0.0.1:6379, database 15, under a key prefix of their own, and are skipped
with a loud reason when it does not answer (.ci/run starts one). The outage tests point the cache at a port
where nothing listens, so they always run.
"""

import datetime
import socket
import uuid
import warnings
from decimal import Decimal
from http import HTTPStatus

import pytest
import redis
from axes.handlers.proxy import AxesProxyHandler
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import TEST_PASSWORD
from expenses.tests.factories import ExpenseFactory
from mealtracker import ratelimit
from mealtracker.models import RateCounter

REDIS_DB = 15
NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused at once


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def requires_redis():
    if not redis_answers():
        message = "!!! SKIPPED: no Redis answering on 127.0.0.1:6379 -- the Redis cache tests did not run"
        warnings.warn(message, stacklevel=2)
        pytest.skip(message)


def use_cache(settings, location: str) -> str:
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "mealtracker.redis_cache.TolerantRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    AxesProxyHandler.get_implementation(force=True)  # the lockout handler keeps the cache it was made with
    return prefix


@pytest.fixture
def on_redis(settings):
    requires_redis()
    prefix = use_cache(settings, f"redis://127.0.0.1:6379/{REDIS_DB}")
    client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)
    yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()
    AxesProxyHandler.implementation = None  # made again, on the restored cache, when next used


@pytest.fixture
def redis_down(settings):
    use_cache(settings, NOWHERE)
    yield
    AxesProxyHandler.implementation = None  # made again, on the restored cache, when next used


def keys_like(client, prefix: str, pattern: str) -> list[str]:
    return [key.decode() for key in client.scan_iter(f"{prefix}:*{pattern}*")]


# --- Counters and lockouts in Redis --------------------------------------------------------------------------


def test_api_throttle_counters_are_kept_in_redis_not_the_database(on_redis, api_client_for, member):
    client, prefix = on_redis
    response = api_client_for(member).get(reverse("expenses_api:expense-list"))
    assert response.status_code == HTTPStatus.OK
    assert keys_like(client, prefix, f"ratelimit:throttle_user_{member.pk}:")
    assert not RateCounter.objects.exists()


def test_a_redis_counter_refuses_past_the_limit_and_says_when_to_retry(on_redis, db):
    now = 60 * 16_667.0  # the start of a window
    verdicts = [ratelimit.hit("test:key", limit=3, period=60, now=now) for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert verdicts[-1].retry_after > 0
    # The refused request was taken back: a window later the previous window's three hits still weigh in.
    assert ratelimit.hit("test:key", limit=3, period=60, now=now + 60).allowed is False
    assert not RateCounter.objects.exists()


def test_login_failures_are_counted_in_redis_and_lock_the_account(on_redis, member, settings):
    client, prefix = on_redis
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("login"), {"username": member.email, "password": "wrong-password"})
    assert keys_like(client, prefix, "axes")
    response = Client().post(reverse("login"), {"username": member.email, "password": TEST_PASSWORD})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


# --- Redis not answering --------------------------------------------------------------------------------------


def test_a_cache_outage_on_the_reports_page_is_not_a_500(redis_down, settings, web_client_for, member):
    settings.REPORT_CACHE_SECONDS = 300
    ExpenseFactory(
        owner=member,
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        amount=Decimal("10"),
        reporting_amount=Decimal("10"),
    )
    response = web_client_for(member).get(reverse("reports"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["summary"]["total"] == Decimal("10.00")


def test_a_cache_outage_reads_as_a_miss_and_writes_store_nothing(redis_down):
    assert cache.get("anything", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("a", 1) is False
    cache.set("a", 1)
    assert cache.incr("a") == 1


def test_during_a_cache_outage_a_user_reads_their_own_writes_from_the_primary(redis_down, member):
    from mealtracker import write_stamps

    assert write_stamps.wrote_recently(member.pk)  # the stamp cannot be read: never the replica


def test_during_a_cache_outage_throttles_count_in_the_database(redis_down, api_client_for, member):
    response = api_client_for(member).get(reverse("expenses_api:expense-list"))
    assert response.status_code == HTTPStatus.OK
    assert RateCounter.objects.filter(key__contains=f"throttle_user_{member.pk}").exists()


def test_signing_in_during_a_cache_outage_is_not_a_500(redis_down, member):
    failed = Client().post(reverse("login"), {"username": member.email, "password": "wrong-password"})
    assert failed.status_code == HTTPStatus.OK
    api = APIClient().post(reverse("accounts_api:token-obtain"), {"email": member.email, "password": TEST_PASSWORD})
    assert api.status_code == HTTPStatus.OK
