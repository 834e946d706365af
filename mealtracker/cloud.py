"""AWS pieces the settings need at start-up: the application secret from Secrets Manager, the database's TLS trust.

On Lambda the secret is read once per cold start (the settings module is imported once per container) and
kept in memory; nothing read here is ever logged. The application secret holds the app's own keys (SECRET_KEY,
FIELD_ENCRYPTION_KEY, PLACES_API_KEY, ...); the database credentials live in their own secrets (the master's is
RDS-managed and rotated by RDS, the app role's is read by RDS Proxy), so rotating one never changes the other.
"""

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured

# Amazon Trust Services roots (RDS Proxy) and the RDS global bundle (the instance): see certs/README.md.
DATABASE_CA_BUNDLE = Path(__file__).resolve().parent / "certs" / "aws-database-roots.pem"


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
    return f"postgres://{user}:{password}@{secret['host']}:{port}/{name}?sslmode=verify-full"


def database_url_for_iam(*, host: str, port: int, name: str, user: str) -> str:
    """A DATABASE_URL without a password: each connection signs in with a fresh IAM token (mealtracker.rds_iam)."""
    return f"postgres://{quote(user, safe='')}@{host}:{port}/{quote(name, safe='')}?sslmode=verify-full"


def database_tls_options(*, sslmode: str, sslrootcert: str) -> dict:
    """libpq options for `sslmode`; a verifying mode gets the CA bundle shipped with the app unless one is named."""
    if not sslmode:
        return {}
    if sslmode not in {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}:
        raise ImproperlyConfigured(f"DATABASE_SSLMODE {sslmode!r} is not a libpq sslmode.")
    options = {"sslmode": sslmode}
    if sslmode.startswith("verify-"):
        if not Path(sslrootcert).is_file():
            raise ImproperlyConfigured(f"DATABASE_SSLROOTCERT {sslrootcert!r} does not exist.")
        options["sslrootcert"] = sslrootcert
    return options
