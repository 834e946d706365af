"""The Lambda path, end to end but offline: Zappa's own handler, fed API Gateway events, with Secrets Manager,
KMS and S3 served by moto and the database this suite runs on (SQLite file or a fresh PostgreSQL database)."""

import json
import os
import subprocess
import sys
import uuid
from http import HTTPStatus
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from moto.server import ThreadedMotoServer

from mealtracker.tests.lambda_support.events import http_v2, response_body, rest_v1

ROOT = Path(__file__).resolve().parents[2]
INVOKER = Path(__file__).parent / "lambda_support" / "invoke.py"
DEMO_MANAGER = {"email": "manager@demo.mealtracker.test", "password": "Demo-meals-2026"}


@pytest.fixture(scope="module")
def moto_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def lambda_database(tmp_path_factory):
    """A database of the same engine as this test run, empty, for the function to migrate itself."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        import psycopg2

        base = settings.DATABASES["default"]
        name = f"lambda_{uuid.uuid4().hex[:12]}"
        admin = psycopg2.connect(
            dbname="postgres", user=base["USER"], password=base["PASSWORD"], host=base["HOST"], port=base["PORT"]
        )
        admin.autocommit = True
        admin.cursor().execute(f'CREATE DATABASE "{name}"')
        auth = f"{base['USER']}:{base['PASSWORD']}@" if base["PASSWORD"] else f"{base['USER']}@"
        yield f"postgres://{auth}{base['HOST']}:{base['PORT'] or 5432}/{name}"
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('lambda') / 'lambda.sqlite3'}"


@pytest.fixture(scope="module")
def aws_stage(moto_endpoint, lambda_database, tmp_path_factory):
    """What Terraform would have provisioned: a KMS key, the app secret and the receipts bucket."""
    aws = {"endpoint_url": moto_endpoint, "region_name": "us-east-1"}
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    key_id = boto3.client("kms", **aws, **credentials).create_key(Description="mealtracker dev")["KeyMetadata"]["KeyId"]
    secret_arn = boto3.client("secretsmanager", **aws, **credentials).create_secret(
        Name="mealtracker/dev/app",
        KmsKeyId=key_id,
        SecretString=json.dumps(
            {
                "SECRET_KEY": uuid.uuid4().hex * 2,
                "FIELD_ENCRYPTION_KEY": uuid.uuid4().hex * 2,
                "DATABASE_URL": lambda_database,
            }
        ),
    )["ARN"]
    boto3.client("s3", **aws, **credentials).create_bucket(Bucket="mealtracker-dev-receipts")

    from zappa.cli import ZappaCLI

    cli = ZappaCLI()
    cli.api_stage = "dev"
    cli.load_settings(settings_file=str(ROOT / "zappa_settings.json"))
    settings_dir = tmp_path_factory.mktemp("zappa")
    (settings_dir / "zappa_settings.py").write_text(cli.get_zappa_settings_string())
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(ROOT)),
        "PYTHONPATH": str(ROOT),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_LAMBDA_FUNCTION_NAME": "mealtracker-dev",
        "APP_SECRET_ID": secret_arn,
        "RECEIPTS_BUCKET": "mealtracker-dev-receipts",
        "RECEIPTS_KMS_KEY_ID": key_id,
        # Throttling and lockout share the database cache, created by the release step below.
        "CACHE_URL": "dbcache://django_cache",
        # The local PostgreSQL speaks no TLS; on AWS the default (verify-full against the shipped bundle) stands.
        "DATABASE_SSLMODE": "disable",
    }
    return {"settings_dir": settings_dir, "env": environment, "secret_arn": secret_arn}


def invoke(stage, events, **extra_env):
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(INVOKER), str(stage["settings_dir"])],
        input=json.dumps(events),
        env={**stage["env"], **extra_env},
        capture_output=True,
        text=True,
        timeout=300,
        cwd=stage["settings_dir"],
    )
    assert result.returncode == 0, result.stderr[-3000:]
    _, _, payload = result.stdout.rpartition("@@RESULTS@@")
    return [entry["response"] for entry in json.loads(payload)], result.stderr


@pytest.fixture(scope="module")
def released(aws_stage):
    """The release steps of a deploy: `zappa manage dev migrate`, the cache table, and demo data."""
    invoke(
        aws_stage,
        [
            {"manage": "migrate --noinput"},
            {"manage": "createcachetable"},
            {"manage": "seed_demo --expenses 5 --no-progress"},
        ],
    )
    return aws_stage


def token_for(stage, shape=http_v2):
    (response,), _ = invoke(stage, [shape("POST", "/api/v1/auth/token/", body=DEMO_MANAGER, headers=JSON)])
    assert response["statusCode"] == HTTPStatus.OK, response
    return json.loads(response_body(response))["access"]


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("shape", [rest_v1, http_v2], ids=["rest-v1", "http-v2"])
def test_health_answers_through_the_handler(released, shape):
    (response,), _ = invoke(released, [shape("GET", "/health/")])
    assert response["statusCode"] == HTTPStatus.OK
    assert json.loads(response_body(response))["database"] == "ok"


@pytest.mark.parametrize("shape", [rest_v1, http_v2], ids=["rest-v1", "http-v2"])
def test_jwt_login_then_authenticated_list(released, shape):
    access = token_for(released, shape)
    (response,), _ = invoke(
        released, [shape("GET", "/api/v1/expenses/", headers={"Authorization": f"Bearer {access}"})]
    )
    assert response["statusCode"] == HTTPStatus.OK
    body = json.loads(response_body(response))
    assert body["results"], "the demo manager sees their own and the team's expenses"


@pytest.mark.parametrize("shape", [rest_v1, http_v2], ids=["rest-v1", "http-v2"])
def test_unknown_api_route_is_a_json_404(released, shape):
    (response,), _ = invoke(released, [shape("GET", "/api/v1/no-such-thing/")])
    assert response["statusCode"] == HTTPStatus.NOT_FOUND
    assert json.loads(response_body(response))["status"] == HTTPStatus.NOT_FOUND


def test_scheduled_job_event_runs_its_command(released):
    event = {
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/mealtracker-dev-mealtracker.jobs.clear_sessions"],
        "detail": {},
    }
    (_response,), stderr = invoke(released, [event])
    assert "Traceback" not in stderr


def test_unreadable_secret_stops_the_cold_start_with_a_clear_error(aws_stage):
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(INVOKER), str(aws_stage["settings_dir"])],
        input=json.dumps([rest_v1("GET", "/health/")]),
        env={**aws_stage["env"], "APP_SECRET_ID": "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert "Cannot read the application secret" in output
    assert "ResourceNotFoundException" in output


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("shape", [rest_v1, http_v2], ids=["rest-v1", "http-v2"])
def test_receipt_uploads_to_encrypted_s3_and_downloads_intact(released, moto_endpoint, shape):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    access = token_for(released, shape)
    auth = {"Authorization": f"Bearer {access}"}
    (listing,), _ = invoke(released, [shape("GET", "/api/v1/expenses/", headers=auth, query={"scope": "mine"})])
    expense_id = json.loads(response_body(listing))["results"][0]["id"]
    image = png_bytes()
    body = encode_multipart(
        BOUNDARY, {"expense": str(expense_id), "file": SimpleUploadedFile("my lunch.png", image, "image/png")}
    )
    (created,), _ = invoke(
        released, [shape("POST", "/api/v1/receipts/", headers={**auth, "Content-Type": MULTIPART_CONTENT}, body=body)]
    )
    assert created["statusCode"] == HTTPStatus.CREATED, response_body(created)[:500]
    receipt_id = json.loads(response_body(created))["id"]

    (download,), _ = invoke(released, [shape("GET", f"/api/v1/receipts/{receipt_id}/download/", headers=auth)])
    assert download["statusCode"] == HTTPStatus.OK
    assert download["isBase64Encoded"] is True
    assert response_body(download) == image

    s3 = boto3.client(
        "s3", endpoint_url=moto_endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket="mealtracker-dev-receipts")["Contents"]]
    assert keys
    assert all("my lunch" not in key for key in keys)
    head = s3.head_object(Bucket="mealtracker-dev-receipts", Key=keys[-1])
    assert head["ServerSideEncryption"] == "aws:kms"
