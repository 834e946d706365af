"""Every kind of response carries the security headers: an HTML page, API JSON, a 404, a static file."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

HSTS = "max-age=31536000; includeSubDomains; preload"


@pytest.fixture
def production_client(settings, tmp_path):
    """Production's security settings (DEBUG off, HSTS on) on a fresh client, so middleware reads them anew."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.WHITENOISE_USE_FINDERS = True  # serve static/ directly, as collectstatic output would be
    settings.WHITENOISE_AUTOREFRESH = True
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }}  # fmt: skip
    return Client()


def assert_security_headers(response):
    assert response["Strict-Transport-Security"] == HSTS
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Permissions-Policy"].startswith("camera=(self), geolocation=(self), ")


@pytest.mark.parametrize(
    ("path", "status", "content_type"),
    [
        ("/accounts/login/", HTTPStatus.OK, "text/html"),
        ("/api/v1/merchants/", HTTPStatus.UNAUTHORIZED, "application/problem+json"),
        ("/api/schema/", HTTPStatus.OK, "application/vnd.oai.openapi"),
        ("/health/", HTTPStatus.OK, "application/json"),
        ("/no-such-page/", HTTPStatus.NOT_FOUND, "text/html"),
        ("/api/v1/no-such-thing/", HTTPStatus.NOT_FOUND, "application/problem+json"),
        ("/static/css/site.css", HTTPStatus.OK, "text/css"),
    ],
)
def test_every_kind_of_response_carries_the_security_headers(production_client, path, status, content_type):
    response = production_client.get(path, secure=True)

    assert response.status_code == status
    assert response["Content-Type"].startswith(content_type)
    assert_security_headers(response)


def test_a_signed_in_api_json_response_carries_the_security_headers(production_client, member):
    production_client.force_login(member)

    response = production_client.get(reverse("expenses_api:expense-list"), secure=True)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    assert_security_headers(response)


def test_plain_http_is_redirected_to_https_in_production(production_client):
    response = production_client.get("/accounts/login/")

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"].startswith("https://")


def test_the_permissions_policy_allows_the_camera_and_geolocation_to_our_pages_only(production_client):
    header = production_client.get("/accounts/login/", secure=True)["Permissions-Policy"]

    policy = dict(directive.split("=", 1) for directive in header.split(", "))
    assert policy.pop("camera") == policy.pop("geolocation") == "(self)"
    assert {"microphone", "payment", "usb", "display-capture", "publickey-credentials-get"} <= set(policy)
    assert set(policy.values()) == {"()"}
