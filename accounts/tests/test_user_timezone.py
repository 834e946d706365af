"""Pages and the admin are served in the signed-in user's timezone; the API keeps its own stated timezones."""

import datetime
from http import HTTPStatus

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

# 17:30 UTC on 10 March 2026: 18:30 in Paris, 10:30 in Los Angeles (daylight time there since 8 March).
JOINED_UTC = datetime.datetime(2026, 3, 10, 17, 30, tzinfo=datetime.UTC)


@pytest.fixture
def tokyo_member(member):
    member.timezone = "Asia/Tokyo"
    member.save(update_fields=["timezone"])
    return member


@pytest.mark.parametrize(
    ("viewer_zone", "shown"),
    [("Europe/Paris", "March 10, 2026, 6:30 p.m."), ("America/Los_Angeles", "March 10, 2026, 10:30 a.m.")],
)
def test_the_admin_shows_times_in_the_viewers_timezone(web_client_for, site_admin, member, viewer_zone, shown):
    member.date_joined = JOINED_UTC
    member.save(update_fields=["date_joined"])
    site_admin.timezone = viewer_zone
    site_admin.save(update_fields=["timezone"])

    response = web_client_for(site_admin).get(reverse("admin:accounts_user_change", args=[member.pk]))

    assert response.status_code == HTTPStatus.OK
    assert shown in response.text


def test_the_api_keeps_utc_for_a_session_signed_in_user(web_client_for, tokyo_member):
    # A browser signed in by session and an app with a token read the same offsets.
    response = web_client_for(tokyo_member).get(reverse("accounts_api:me"))

    assert response.status_code == HTTPStatus.OK
    assert response.json()["date_joined"].endswith("Z")


def test_the_timezone_ends_with_the_request(web_client_for, tokyo_member):
    web_client_for(tokyo_member).get(reverse("profile"))

    assert timezone.get_current_timezone_name() == "UTC"


def test_a_lost_database_while_reading_the_user_is_still_the_503_page(web_client_for, member, monkeypatch):
    client = web_client_for(member)

    def disconnect(request):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("django.contrib.auth.get_user", disconnect)

    response = client.get(reverse("profile"))

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "could not connect" not in response.content.decode()
