"""`create_app_db_role`: the app's own least-privilege role, made once with the master secret (PostgreSQL only)."""

import json
import uuid

import boto3
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from moto import mock_aws

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="the role is a PostgreSQL role"
)


def admin_connection(dbname="postgres"):
    import psycopg2

    base = settings.DATABASES["default"]
    connection = psycopg2.connect(dbname=dbname, user=base["USER"], password=base["PASSWORD"] or None,
                                  host=base["HOST"], port=base["PORT"] or 5432)  # fmt: skip
    connection.autocommit = True
    return connection


@pytest.fixture
def scratch():
    """A database of its own, with a table a first release made as the master user, and a role name to drop after."""
    name, role = f"role_{uuid.uuid4().hex[:10]}", f"app_{uuid.uuid4().hex[:10]}"
    admin = admin_connection()
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    earlier = admin_connection(name)
    earlier.cursor().execute("CREATE TABLE expenses_expense (id bigserial PRIMARY KEY, amount numeric)")
    earlier.close()
    yield {"dbname": name, "role": role}
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.cursor().execute(f'DROP ROLE IF EXISTS "{role}"')
    admin.close()


@pytest.fixture
def aws(monkeypatch):
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1"}.items():  # fmt: skip
        monkeypatch.setenv(key, value)
    base = settings.DATABASES["default"]
    with mock_aws():
        client = boto3.client("secretsmanager")
        master = client.create_secret(
            Name="rds!db-test", SecretString=json.dumps({"username": base["USER"], "password": base["PASSWORD"]})
        )["ARN"]
        app = client.create_secret(Name="mealtracker-dev/db-app")["ARN"]  # Terraform makes it empty
        yield {"client": client, "master": master, "app": app}


def run(scratch, aws, **extra):
    base = settings.DATABASES["default"]
    options = {
        "master_secret": aws["master"], "password_secret": aws["app"], "host": base["HOST"] or "127.0.0.1",
        "port": int(base["PORT"] or 5432), "dbname": scratch["dbname"], "role": scratch["role"], "sslmode": "prefer",
    }  # fmt: skip
    call_command("create_app_db_role", **{**options, **extra})


def role_attributes(role):
    with admin_connection() as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls "
            "FROM pg_roles WHERE rolname = %s",
            [role],
        )
        return cursor.fetchone()


def stored_password(aws) -> dict:
    """What the proxy reads: the AWSCURRENT version (named, because moto 5.2 answers an unnamed read with the
    version that was current before a staging label moved)."""
    answer = aws["client"].get_secret_value(SecretId=aws["app"], VersionStage="AWSCURRENT")
    return json.loads(answer["SecretString"])


def test_the_role_can_log_in_and_nothing_more_at_cluster_level(scratch, aws):
    run(scratch, aws)

    assert role_attributes(scratch["role"]) == (True, False, False, False, False, False)


def test_the_role_owns_what_an_earlier_release_made_and_can_migrate(scratch, aws):
    import psycopg2

    run(scratch, aws)

    base = settings.DATABASES["default"]
    credentials = stored_password(aws)
    with psycopg2.connect(dbname=scratch["dbname"], user=credentials["username"], password=credentials["password"],
                          host=base["HOST"], port=base["PORT"] or 5432) as connection:  # fmt: skip
        cursor = connection.cursor()
        cursor.execute("ALTER TABLE expenses_expense ADD COLUMN note text")  # a migration on an adopted table
        cursor.execute("INSERT INTO expenses_expense (amount, note) VALUES (1, 'x') RETURNING id")
        cursor.execute("CREATE TABLE expenses_tag (id bigserial PRIMARY KEY)")
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cursor.execute("CREATE ROLE intruder")


def test_the_new_password_is_current_for_the_proxy_and_never_printed(scratch, aws, capsys):
    run(scratch, aws)

    credentials = stored_password(aws)
    assert credentials["username"] == scratch["role"]
    assert len(credentials["password"]) >= 40
    assert credentials["password"] not in capsys.readouterr().out
    stages = aws["client"].describe_secret(SecretId=aws["app"])["VersionIdsToStages"]
    assert sum("AWSCURRENT" in labels for labels in stages.values()) == 1
    assert not any("AWSPENDING" in labels for labels in stages.values())


def test_running_it_again_rotates_the_password_and_keeps_the_previous_one_labelled(scratch, aws):
    run(scratch, aws)
    first = stored_password(aws)["password"]

    run(scratch, aws)

    assert stored_password(aws)["password"] != first
    previous = aws["client"].get_secret_value(SecretId=aws["app"], VersionStage="AWSPREVIOUS")
    assert json.loads(previous["SecretString"])["password"] == first


def test_an_unreachable_master_is_a_clear_error_and_the_proxy_keeps_its_password(scratch, aws):
    run(scratch, aws)
    before = stored_password(aws)["password"]

    with pytest.raises(CommandError, match="Cannot connect"):
        run(scratch, aws, dbname="no_such_database_here")

    assert stored_password(aws)["password"] == before
