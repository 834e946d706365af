"""Django's PostgreSQL backend, signing in with a fresh RDS IAM token on every new connection.

The function holds no database password: the token is a SigV4 signature of (host, port, user) made locally with
the execution role's credentials, valid 15 minutes for opening a connection (an open connection is not affected
when it expires). RDS Proxy checks it against `rds-db:connect` on the proxy and signs in to PostgreSQL with the
app role's password from its own secret, which the function cannot read.
"""

import os
from functools import lru_cache

from django.db.backends.postgresql import base


@lru_cache(maxsize=1)
def _rds_client(region: str):
    import boto3  # in the Lambda runtime; never imported where this engine is not configured

    return boto3.client("rds", region_name=region)


def rds_auth_token(*, host: str, port: int, user: str, region: str | None = None) -> str:
    """A signed IAM authentication token for `user` at host:port (no network call: signing is local)."""
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    return _rds_client(region).generate_db_auth_token(DBHostname=host, Port=int(port), DBUsername=user)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        params["password"] = rds_auth_token(host=params["host"], port=params.get("port") or 5432, user=params["user"])
        return params
