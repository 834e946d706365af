"""AWS pieces the settings need at start-up: the application secret from Secrets Manager.

On Lambda the secret is read once per cold start (the settings module is imported once per container) and
kept in memory; nothing read here is ever logged.
"""

import json
from functools import lru_cache
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured


@lru_cache(maxsize=4)
def load_app_secret(secret_id: str) -> dict:
    """The JSON document stored in Secrets Manager under `secret_id` (an ARN or a name)."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        response = boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "unknown")
        raise ImproperlyConfigured(f"Cannot read the application secret {secret_id!r} ({code}).") from None
    except BotoCoreError as exc:
        raise ImproperlyConfigured(
            f"Cannot read the application secret {secret_id!r} ({type(exc).__name__})."
        ) from None
    try:
        document = json.loads(response["SecretString"])
    except (KeyError, ValueError):
        raise ImproperlyConfigured(f"The application secret {secret_id!r} is not a JSON object.") from None
    if not isinstance(document, dict):
        raise ImproperlyConfigured(f"The application secret {secret_id!r} is not a JSON object.")
    return document


def database_url_from_secret(secret: dict) -> str | None:
    """A DATABASE_URL from the secret: either given whole, or from RDS-style connection fields."""
    if secret.get("DATABASE_URL"):
        return secret["DATABASE_URL"]
    if not {"username", "password", "host"} <= secret.keys():
        return None
    user, password = quote(str(secret["username"]), safe=""), quote(str(secret["password"]), safe="")
    port = secret.get("port", 5432)
    name = secret.get("dbname", "mealtracker")
    return f"postgres://{user}:{password}@{secret['host']}:{port}/{name}?sslmode=require"
