"""Who the client is (trusted proxies only), and sign-in throttled per client and per account on the web and the API."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from zappa.wsgi import create_wsgi_request

from accounts.tests.factories import TEST_PASSWORD, UserFactory
from mealtracker.api.throttles import AuthRateThrottle
from mealtracker.tests.lambda_support.events import SOURCE_IP, rest_v1

TOKEN = reverse("accounts_api:token-obtain")
RESET = reverse("accounts_api:password-reset")
LOGIN = reverse("login")

pytestmark = pytest.mark.django_db


def web_sign_in(email, password=TEST_PASSWORD, **environ):
    return Client().post(LOGIN, {"username": email, "password": password}, **environ)


def api_sign_in(email, password=TEST_PASSWORD, **environ):
    return APIClient().post(TOKEN, {"email": email, "password": password}, **environ)


# --- The client's address: only what the trusted proxies appended counts ----------------------------------------


def test_a_new_x_forwarded_for_each_time_does_not_escape_the_auth_throttle(monkeypatch, settings):
    settings.TRUSTED_PROXY_COUNT = 0  # nothing in front: the header is the client's own words
    monkeypatch.setitem(AuthRateThrottle.THROTTLE_RATES, "auth", "3/minute")

    statuses = [
        APIClient().post(RESET, {"email": "x@example.com"}, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(5)
    ]

    assert statuses == [HTTPStatus.ACCEPTED] * 3 + [HTTPStatus.TOO_MANY_REQUESTS] * 2


def test_behind_one_proxy_only_the_address_it_appended_counts(monkeypatch, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setitem(AuthRateThrottle.THROTTLE_RATES, "auth", "3/minute")

    statuses = [
        APIClient().post(RESET, {"email": "x@example.com"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.9").status_code
        for n in range(4)
    ]
    elsewhere = APIClient().post(RESET, {"email": "x@example.com"}, HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.10")

    assert statuses[-1] == HTTPStatus.TOO_MANY_REQUESTS
    assert elsewhere.status_code == HTTPStatus.ACCEPTED  # another client behind the same proxy has its own budget


def zappa_environ(x_forwarded_for: str) -> dict:
    """The WSGI environ Zappa's handler builds from an API Gateway (REST, regional) event."""
    environ = create_wsgi_request(rest_v1("POST", RESET, headers={"X-Forwarded-For": x_forwarded_for}))
    return {"REMOTE_ADDR": environ["REMOTE_ADDR"], "HTTP_X_FORWARDED_FOR": environ["HTTP_X_FORWARDED_FOR"]}


def test_on_lambda_a_spoofed_x_forwarded_for_does_not_escape_the_auth_throttle(monkeypatch, settings):
    # API Gateway appends the address it was connected from; Zappa makes REMOTE_ADDR the entry before it, which the
    # client chose. With one trusted proxy the client is API Gateway's entry, whatever the client sent.
    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setitem(AuthRateThrottle.THROTTLE_RATES, "auth", "3/minute")
    spoofed = [zappa_environ(f"192.0.2.{n}, {SOURCE_IP}") for n in range(5)]
    assert {environ["REMOTE_ADDR"] for environ in spoofed} != {SOURCE_IP}  # what Zappa alone would believe

    statuses = [APIClient().post(RESET, {"email": "x@example.com"}, **environ).status_code for environ in spoofed]

    assert statuses == [HTTPStatus.ACCEPTED] * 3 + [HTTPStatus.TOO_MANY_REQUESTS] * 2


def test_the_lockout_is_keyed_by_the_same_address(member, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        api_sign_in(member.email, "wrong-password", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9")

    response = api_sign_in(member.email, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.9")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response.json()["code"] == "locked_out"


# --- Sign-in per client: one password sprayed over many accounts -----------------------------------------------


@pytest.fixture
def thirty_accounts(db):
    return [UserFactory(email=f"person{n}@example.com").email for n in range(30)]


def test_spraying_one_password_over_many_accounts_on_the_web_is_throttled(thirty_accounts, settings):
    statuses = [web_sign_in(email, "Summer2026!").status_code for email in thirty_accounts]

    allowed = int(settings.SIGN_IN_RATE_PER_ADDRESS.split("/")[0])
    assert statuses == [HTTPStatus.OK] * allowed + [HTTPStatus.TOO_MANY_REQUESTS] * (30 - allowed)


def test_spraying_one_password_over_many_accounts_through_the_api_is_throttled(thirty_accounts, settings, monkeypatch):
    monkeypatch.setitem(AuthRateThrottle.THROTTLE_RATES, "auth", "1000/minute")  # the per-client sign-in rate bites
    statuses = [api_sign_in(email, "Summer2026!").status_code for email in thirty_accounts]

    allowed = int(settings.SIGN_IN_RATE_PER_ADDRESS.split("/")[0])
    assert statuses == [HTTPStatus.UNAUTHORIZED] * allowed + [HTTPStatus.TOO_MANY_REQUESTS] * (30 - allowed)


def test_a_throttled_web_sign_in_says_when_to_retry_and_does_not_sign_in(member, settings):
    settings.SIGN_IN_RATE_PER_ADDRESS = "2/hour"
    client = Client()
    for _ in range(2):
        client.post(LOGIN, {"username": member.email, "password": "wrong-password"})

    response = client.post(LOGIN, {"username": member.email, "password": TEST_PASSWORD})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    assert "Too many sign-in attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_a_throttled_api_sign_in_is_a_429_problem_with_retry_after(member, settings):
    settings.SIGN_IN_RATE_PER_ADDRESS = "2/hour"
    for _ in range(2):
        api_sign_in(member.email, "wrong-password")

    response = api_sign_in(member.email)

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0
    assert "access" not in response.json()


# --- Sign-in per account: many clients on one account ----------------------------------------------------------


def test_many_clients_guessing_one_account_on_the_web_are_throttled(member, settings):
    allowed = int(settings.SIGN_IN_RATE_PER_ACCOUNT.split("/")[0])
    statuses = [
        web_sign_in(member.email, f"guess-{n}", REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(allowed + 2)
    ]

    assert statuses == [HTTPStatus.OK] * allowed + [HTTPStatus.TOO_MANY_REQUESTS] * 2


def test_many_clients_guessing_one_account_through_the_api_are_throttled(member, settings):
    allowed = int(settings.SIGN_IN_RATE_PER_ACCOUNT.split("/")[0])
    statuses = [
        api_sign_in(member.email, f"guess-{n}", REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(allowed + 2)
    ]

    assert statuses == [HTTPStatus.UNAUTHORIZED] * allowed + [HTTPStatus.TOO_MANY_REQUESTS] * 2
    assert api_sign_in("teammate@example.com", REMOTE_ADDR="198.51.100.200").status_code != 429  # other accounts


def test_the_account_count_ignores_the_case_of_the_email(member, settings):
    settings.SIGN_IN_RATE_PER_ACCOUNT = "2/hour"
    web_sign_in("Member@Example.com", "guess", REMOTE_ADDR="198.51.100.1")
    web_sign_in("MEMBER@example.com", "guess", REMOTE_ADDR="198.51.100.2")

    assert web_sign_in(member.email, REMOTE_ADDR="198.51.100.3").status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_the_admin_sign_in_is_throttled_too(site_admin, settings):
    settings.SIGN_IN_RATE_PER_ADDRESS = "2/hour"
    client = Client()
    for _ in range(2):
        client.post(reverse("admin:login"), {"username": site_admin.email, "password": "wrong-password"})

    response = client.post(reverse("admin:login"), {"username": site_admin.email, "password": TEST_PASSWORD})

    assert "Too many sign-in attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_the_browsable_api_sign_in_is_throttled_too(member, settings):
    settings.SIGN_IN_RATE_PER_ADDRESS = "2/hour"
    client = Client()
    for _ in range(2):
        client.post(reverse("rest_framework:login"), {"username": member.email, "password": "wrong-password"})

    response = client.post(reverse("rest_framework:login"), {"username": member.email, "password": TEST_PASSWORD})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session
