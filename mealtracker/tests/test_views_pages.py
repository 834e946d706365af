"""Site-wide pages: the installable-app files, error pages and the security headers (shown on the dashboard)."""

import json
from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy(web_client_for, member):
    response = web_client_for(member).get(reverse("home"))

    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_pages_have_no_inline_scripts_or_styles(web_client_for, member):
    ExpenseFactory(owner=member)

    html = web_client_for(member).get(reverse("home")).text

    assert "<script>" not in html
    assert "style=" not in html
    assert "<style" not in html


def test_manifest_makes_the_app_installable(client):
    response = client.get(reverse("manifest"))

    data = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert (data["display"], data["start_url"]) == ("standalone", "/")
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}


def test_service_worker_is_served_from_the_root_and_caches_the_offline_page(client):
    response = client.get(reverse("service_worker"))

    assert response["Content-Type"].startswith("application/javascript")
    assert '"/offline/"' in response.text


def test_service_worker_keeps_the_add_meal_page_for_offline_entry_and_forgets_it_on_sign_out(client):
    text = client.get(reverse("service_worker")).text

    assert f'const OFFLINE_PAGES = ["{reverse("expense_create")}"];' in text
    assert f'url.pathname === "{reverse("logout")}"' in text


def test_offline_page_is_public(client):
    response = client.get(reverse("offline"))

    assert response.status_code == HTTPStatus.OK
    assert "You are offline" in response.text


def test_unknown_page_uses_the_sites_404_page(client, settings):
    settings.DEBUG = False

    response = client.get("/no-such-page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in response.text


def test_forbidden_page_uses_the_sites_403_page(web_client_for, member, settings):
    settings.DEBUG = False

    response = web_client_for(member).get(reverse("approval_queue"))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Not allowed" in response.text
