"""The database connection on AWS: the proxy as the app's own role, IAM tokens, TLS that verifies the server."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import certifi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from django.core.exceptions import ImproperlyConfigured

from mealtracker.cloud import DATABASE_CA_BUNDLE, database_tls_options, database_url_for_iam
from mealtracker.rds_iam.base import DatabaseWrapper, rds_auth_token

ROOT = Path(__file__).resolve().parents[2]
# One of the public roots has a zero serial number, which cryptography warns about but libpq accepts.
pytestmark = pytest.mark.filterwarnings("ignore:Parsed a serial number")
AMAZON_ROOTS = {
    "Amazon Root CA 1", "Amazon Root CA 2", "Amazon Root CA 3", "Amazon Root CA 4",
    "Starfield Services Root Certificate Authority - G2",
}  # fmt: skip


def common_name(cert) -> str:
    return cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value


def bundle():
    return x509.load_pem_x509_certificates(DATABASE_CA_BUNDLE.read_bytes())


def test_the_bundle_holds_only_amazon_certificate_authorities_still_valid():
    certificates = bundle()
    now = datetime.datetime.now(datetime.UTC)
    for cert in certificates:
        organisation = cert.subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)[0].value
        assert organisation in {"Amazon", "Amazon Web Services, Inc.", "Starfield Technologies, Inc."}, organisation
        assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert cert.not_valid_after_utc > now, common_name(cert)


def test_the_rds_authorities_chain_to_roots_in_the_bundle():
    rds = [cert for cert in bundle() if common_name(cert).startswith("Amazon RDS")]
    by_subject = {cert.subject: cert for cert in rds}
    assert len(rds) >= 100
    for cert in rds:
        cert.verify_directly_issued_by(by_subject[cert.issuer])


def test_the_bundle_has_the_authority_terraform_gives_the_instance():
    names = {common_name(cert) for cert in bundle()}
    assert "Amazon RDS us-east-1 Root CA RSA2048 G1" in names  # ca_cert_identifier rds-ca-rsa2048-g1


def test_the_proxy_roots_are_certifis_amazon_roots():
    ours = {cert.fingerprint(hashes.SHA256()) for cert in bundle() if common_name(cert) in AMAZON_ROOTS}
    theirs = {
        cert.fingerprint(hashes.SHA256())
        for cert in x509.load_pem_x509_certificates(Path(certifi.where()).read_bytes())
        if cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME) and common_name(cert) in AMAZON_ROOTS
    }
    assert ours == theirs
    assert len(ours) == len(AMAZON_ROOTS)


def test_verifying_modes_get_the_shipped_bundle():
    assert database_tls_options(sslmode="verify-full", sslrootcert=str(DATABASE_CA_BUNDLE)) == {
        "sslmode": "verify-full",
        "sslrootcert": str(DATABASE_CA_BUNDLE),
    }


def test_a_missing_bundle_or_an_unknown_mode_stops_the_start(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        database_tls_options(sslmode="verify-full", sslrootcert=str(tmp_path / "none.pem"))
    with pytest.raises(ImproperlyConfigured, match="not a libpq sslmode"):
        database_tls_options(sslmode="verify-everything", sslrootcert=str(DATABASE_CA_BUNDLE))


def test_the_proxy_url_has_no_password_and_verifies_the_server():
    url = database_url_for_iam(host="p.proxy-x.us-east-1.rds.amazonaws.com", port=5432, name="mealtracker",
                               user="mealtracker_app")  # fmt: skip
    assert (
        url == "postgres://mealtracker_app@p.proxy-x.us-east-1.rds.amazonaws.com:5432/mealtracker?sslmode=verify-full"
    )


@pytest.fixture
def aws_credentials(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)


def test_an_iam_token_is_signed_for_the_user_and_host(aws_credentials):
    token = rds_auth_token(host="p.proxy-x.us-east-1.rds.amazonaws.com", port=5432, user="mealtracker_app")
    assert token.startswith("p.proxy-x.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=mealtracker_app")
    assert "X-Amz-Signature=" in token
    assert "X-Amz-Expires=900" in token


def test_every_new_connection_signs_in_with_a_fresh_token(aws_credentials):
    wrapper = DatabaseWrapper(
        {
            "ENGINE": "mealtracker.rds_iam", "NAME": "mealtracker", "USER": "mealtracker_app", "PASSWORD": "",
            "HOST": "p.proxy-x.us-east-1.rds.amazonaws.com", "PORT": 5432, "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True, "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False, "TIME_ZONE": None,
            "OPTIONS": {"sslmode": "verify-full", "sslrootcert": str(DATABASE_CA_BUNDLE)}, "TEST": {},
        },
        alias="proxy",
    )  # fmt: skip
    params = wrapper.get_connection_params()
    assert params["user"] == "mealtracker_app"
    assert "DBUser=mealtracker_app" in params["password"]
    assert (params["sslmode"], params["sslrootcert"]) == ("verify-full", str(DATABASE_CA_BUNDLE))


def settings_on_lambda(**env) -> str:
    """DATABASES as the deployed function would build them (a child process: settings are read once)."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "DEBUG", "APP_SECRET", "CONN_"))
    }
    environment.update(
        {
            "AWS_LAMBDA_FUNCTION_NAME": "mealtracker-dev", "SECRET_KEY": "s" * 50, "FIELD_ENCRYPTION_KEY": "f" * 50,
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
            "DJANGO_SETTINGS_MODULE": "mealtracker.settings", **env,
        }
    )  # fmt: skip
    code = "import json, django; from django.conf import settings; print(json.dumps(settings.DATABASES['default']))"
    result = subprocess.run(  # noqa: S603 - our interpreter, fixed code
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_on_lambda_the_app_reaches_the_proxy_as_its_own_role_with_tls_verified():
    import json

    database = json.loads(settings_on_lambda(DATABASE_HOST="p.proxy-x.us-east-1.rds.amazonaws.com"))
    assert database["ENGINE"] == "mealtracker.rds_iam"
    assert (database["USER"], database["PASSWORD"]) == ("mealtracker_app", "")
    assert database["OPTIONS"]["sslmode"] == "verify-full"
    assert database["OPTIONS"]["sslrootcert"] == str(DATABASE_CA_BUNDLE)
    assert "options" not in database["OPTIONS"], "no start-up options: they would pin proxy sessions"
    assert database["CONN_MAX_AGE"] == 600
