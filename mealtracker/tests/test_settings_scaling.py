"""The replica and the cache are configured from the environment, the way each stage sets them."""

import json

from mealtracker.tests.test_settings import run_manage

SHOW = (
    "from django.conf import settings as s; import json; print(json.dumps({"
    "'cache': s.CACHES['default']['BACKEND'], 'location': s.CACHES['default'].get('LOCATION'),"
    "'replica': s.DATABASE_REPLICA_ENABLED, 'host': s.DATABASES['replica'].get('HOST'),"
    "'user': s.DATABASES['replica'].get('USER'), 'engine': s.DATABASES['replica']['ENGINE'],"
    "'timeout': s.DATABASES['replica'].get('OPTIONS', {}).get('connect_timeout'),"
    "'mirror': s.DATABASES['replica']['TEST'].get('MIRROR'), 'routers': s.DATABASE_ROUTERS,"
    "'sessions': s.SESSION_ENGINE}))"
)


def configured(**env) -> dict:
    result = run_manage("shell", "-c", SHOW, DEBUG="true", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_replica_or_redis_the_primary_and_the_database_cache_serve():
    found = configured(DATABASE_URL="sqlite:///:memory:", DATABASE_REPLICA_URL="", REDIS_URL="")
    assert found["replica"] is False
    assert found["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert found["mirror"] == "default"
    assert found["sessions"] == "django.contrib.sessions.backends.db"
    assert found["routers"] == ["mealtracker.db_router.PrimaryReplicaRouter"]


def test_a_replica_url_and_redis_url_are_used():
    found = configured(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/mealtracker",
        DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:5433/mealtracker",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert found["replica"] is True
    assert (found["host"], found["timeout"]) == ("127.0.0.1", 2)
    assert found["cache"] == "mealtracker.redis_cache.TolerantRedisCache"
    assert found["location"] == "redis://127.0.0.1:6379/0"
    # Sessions read from Redis, written through to the database (a page's session lookup is no query).
    assert found["sessions"] == "django.contrib.sessions.backends.cached_db"


def test_on_aws_the_replica_is_signed_in_to_with_iam_as_the_reader_role():
    found = configured(
        DATABASE_URL="",
        DATABASE_HOST="mealtracker-prod.proxy-abc.us-east-1.rds.amazonaws.com",
        DATABASE_REPLICA_HOST="mealtracker-prod-replica.abc.us-east-1.rds.amazonaws.com",
        REDIS_URL="rediss://mealtracker-prod-x.serverless.use1.cache.amazonaws.com:6379/0",
    )
    assert found["replica"] is True
    assert found["engine"] == "mealtracker.rds_iam"
    assert found["host"] == "mealtracker-prod-replica.abc.us-east-1.rds.amazonaws.com"
    assert found["user"] == "mealtracker_reader"
    assert found["location"].startswith("rediss://")
