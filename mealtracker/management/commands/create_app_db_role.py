"""Create (or refresh) the PostgreSQL role the app runs as, signed in as the RDS master user once.

Run through the deployed function, which is the only thing that can reach the database:

    zappa manage <stage> create_app_db_role

The master credentials come from the RDS-managed secret (DATABASE_MASTER_SECRET_ID, rotated by RDS), the
instance's own address (DATABASE_ADMIN_HOST: the master never goes through the proxy) with TLS verified against
the shipped CA bundle. The role gets LOGIN and nothing else at cluster level (no superuser, CREATEDB, CREATEROLE,
replication or RLS bypass); in the database it may connect, use temporary tables and create in schema public,
and it takes over the tables a first release made as the master, so it can run migrations. Its new random
password goes to the proxy's secret (DATABASE_APP_SECRET_ID) through Secrets Manager's staging labels: written
as AWSPENDING, set in PostgreSQL, then made AWSCURRENT, so a failure half way leaves the old pair working. The
function itself never reads it: it signs in to the proxy with IAM tokens. Running it again rotates the password.
"""

import json
import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mealtracker.cloud import DATABASE_CA_BUNDLE

ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT"
OWNED_KINDS = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}


class Command(BaseCommand):
    help = "Create or refresh the app's least-privilege PostgreSQL role and store its new password for RDS Proxy."

    def add_arguments(self, parser):
        env = settings.DATABASE_ADMIN
        parser.add_argument("--master-secret", default=env["master_secret_id"], help="RDS-managed master secret")
        parser.add_argument("--host", default=env["host"], help="the RDS instance's address (not the proxy's)")
        parser.add_argument("--port", type=int, default=env["port"])
        parser.add_argument("--dbname", default=env["name"])
        parser.add_argument("--role", default=env["role"], help="the role the app connects as")
        parser.add_argument("--password-secret", default=env["app_secret_id"], help="the proxy's secret for the role")
        parser.add_argument("--connection-limit", type=int, default=env["connection_limit"])
        parser.add_argument("--sslmode", default="verify-full", help="libpq sslmode (verify-full on AWS)")
        parser.add_argument("--sslrootcert", default=str(DATABASE_CA_BUNDLE))

    def handle(self, *args, **options):
        for name in ("master_secret", "host", "password_secret"):
            if not options[name]:
                raise CommandError(f"--{name.replace('_', '-')} is required (or its DATABASE_* setting).")
        if not options["role"].isidentifier() or options["role"].lower() != options["role"]:
            raise CommandError("--role must be a lower-case identifier.")
        client = _secrets_client()
        master = _read_secret(client, options["master_secret"])
        password = secrets.token_urlsafe(32)
        pending = _stage_password(client, options, password)
        adopted = self._apply(master, options, password)
        _make_current(client, options["password_secret"], pending)
        self.stdout.write(
            self.style.SUCCESS(
                f"Role {options['role']} is ready (login only; no superuser, CREATEDB or CREATEROLE); "
                f"{adopted} existing objects handed over; its new password is in {options['password_secret']}."
            )
        )

    def _apply(self, master: dict, options: dict, password: str) -> int:
        import psycopg2
        from psycopg2 import sql

        tls = {"sslmode": options["sslmode"]}
        if options["sslmode"].startswith("verify-"):
            tls["sslrootcert"] = options["sslrootcert"]
        try:
            connection = psycopg2.connect(
                host=options["host"], port=options["port"], dbname=options["dbname"], user=master["username"],
                password=master.get("password") or None, connect_timeout=10, application_name="create_app_db_role",
                **tls,
            )  # fmt: skip
        except psycopg2.OperationalError as exc:
            raise CommandError(f"Cannot connect to {options['host']} as the master user: {exc}".strip()) from None
        role, database = sql.Identifier(options["role"]), sql.Identifier(options["dbname"])
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [options["role"]])
                verb = "ALTER" if cursor.fetchone() else "CREATE"
                cursor.execute(
                    sql.SQL("{} ROLE {} WITH " + ROLE_ATTRIBUTES + " CONNECTION LIMIT {} PASSWORD {}").format(
                        sql.SQL(verb), role, sql.Literal(options["connection_limit"]), sql.Literal(password)
                    )
                )
                # The master may act as the role (to hand objects over); the role gains nothing from the master.
                cursor.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(role))
                cursor.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(database))
                cursor.execute(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(database, role))
                cursor.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
                cursor.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(role))
                return _adopt_objects(cursor, sql, role, options["role"])
        finally:
            connection.close()


def _adopt_objects(cursor, sql, role, role_name: str) -> int:
    """Hand the schema's tables, views and sequences the master made (an earlier release) to the role."""
    cursor.execute(
        """
        SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND pg_get_userbyid(c.relowner) <> %s
          AND NOT (c.relkind = 'S' AND EXISTS (
              SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
        """,
        [role_name],
    )
    rows = cursor.fetchall()
    for name, kind in rows:  # owned sequences follow their table
        cursor.execute(
            sql.SQL("ALTER {} public.{} OWNER TO {}").format(sql.SQL(OWNED_KINDS[kind]), sql.Identifier(name), role)
        )
    return len(rows)


def _secrets_client():
    import boto3

    return boto3.client("secretsmanager")


def _read_secret(client, secret_id: str) -> dict:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        document = json.loads(client.get_secret_value(SecretId=secret_id)["SecretString"])
    except (ClientError, BotoCoreError, KeyError, ValueError) as exc:
        raise CommandError(f"Cannot read the master secret {secret_id!r} ({type(exc).__name__}).") from None
    if not isinstance(document, dict) or not document.get("username"):
        raise CommandError(f"The master secret {secret_id!r} has no username.")
    return document


def _stage_password(client, options: dict, password: str) -> str:
    """Write the role's new credentials as AWSPENDING (the proxy keeps using AWSCURRENT); the new version's id."""
    document = {
        "engine": "postgres", "username": options["role"], "password": password,
        "host": options["host"], "port": options["port"], "dbname": options["dbname"],
    }  # fmt: skip
    response = client.put_secret_value(
        SecretId=options["password_secret"], SecretString=json.dumps(document), VersionStages=["AWSPENDING"]
    )
    return response["VersionId"]


def _make_current(client, secret_id: str, version_id: str) -> None:
    """Move AWSCURRENT to the new version (and AWSPREVIOUS to the old one, as Secrets Manager does)."""
    stages = client.describe_secret(SecretId=secret_id).get("VersionIdsToStages", {})
    current = next((version for version, labels in stages.items() if "AWSCURRENT" in labels), None)
    if current != version_id:  # the secret's first version is made AWSCURRENT by Secrets Manager itself
        arguments = {"SecretId": secret_id, "VersionStage": "AWSCURRENT", "MoveToVersionId": version_id}
        if current:
            arguments["RemoveFromVersionId"] = current
        client.update_secret_version_stage(**arguments)
    client.update_secret_version_stage(SecretId=secret_id, VersionStage="AWSPENDING", RemoveFromVersionId=version_id)
