"""The profile has one rule and one write: the profile page, the API and the admin refuse and accept alike."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.services import user_update_profile
from mealtracker.errors import DomainError

pytestmark = pytest.mark.django_db

GOOD = {"display_name": "  Mia   Rossi ", "timezone": "Asia/Tokyo", "default_currency": "jpy"}
SAVED = ("Mia Rossi", "Asia/Tokyo", "JPY")

BAD = [
    ("timezone", "Mars/Olympus"),
    ("timezone", ""),
    ("default_currency", "XYZ"),
    ("default_currency", "BHD"),  # legal tender, but three decimals: amounts here carry at most two
    ("display_name", "M" * 129),
    ("display_name", "Mia\x07Rossi"),
]


def post_profile_page(client, user, values):
    response = client.post(reverse("profile"), values)
    errors = response.context["form"].errors if response.context else {}
    return response.status_code, set(errors)


def patch_api(client, user, values):
    response = client.patch(reverse("accounts_api:me"), values, format="json")
    return response.status_code, set(response.json().get("errors", {})) if response.content else set()


def post_admin(client, user, values):
    data = {"email": user.email, "role": user.role, "team": user.team_id or "", "is_active": "on", **values}
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    errors = response.context["adminform"].form.errors if response.context else {}
    return response.status_code, set(errors)


SURFACES = {
    # surface: (who sends it, how, status of a saved change)
    "web": ("member", post_profile_page, HTTPStatus.FOUND),
    "api": ("member", patch_api, HTTPStatus.OK),
    "admin": ("site_admin", post_admin, HTTPStatus.FOUND),
}


def send(surface, request, member, web_client_for, api_client_for, values):
    sender_name, send_values, _ = SURFACES[surface]
    sender = request.getfixturevalue(sender_name)
    client = api_client_for(sender) if surface == "api" else web_client_for(sender)
    return send_values(client, member, values)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize(("field", "value"), BAD)
def test_every_surface_refuses_the_same_bad_value_naming_its_field(
    request, surface, field, value, member, web_client_for, api_client_for
):
    before = (member.display_name, member.timezone, member.default_currency)

    status, fields = send(surface, request, member, web_client_for, api_client_for, {**GOOD, field: value})

    assert status == HTTPStatus.BAD_REQUEST
    assert fields == {field}
    member.refresh_from_db()
    assert (member.display_name, member.timezone, member.default_currency) == before


@pytest.mark.parametrize("surface", SURFACES)
def test_every_surface_saves_the_same_good_values_the_same_way(
    request, surface, member, web_client_for, api_client_for
):
    status, fields = send(surface, request, member, web_client_for, api_client_for, GOOD)

    assert (status, fields) == (SURFACES[surface][2], set())
    member.refresh_from_db()
    assert (member.display_name, member.timezone, member.default_currency) == SAVED


def test_a_partial_change_keeps_the_other_values(member):
    user_update_profile(user=member, timezone="Europe/Paris")

    member.refresh_from_db()
    assert (member.timezone, member.default_currency) == ("Europe/Paris", "USD")


def test_a_refused_change_leaves_the_user_in_memory_untouched(member):
    name = member.display_name

    with pytest.raises(DomainError) as refused:
        user_update_profile(user=member, display_name="Mia", timezone="Mars/Olympus")

    assert refused.value.field == "timezone"
    assert (member.display_name, member.timezone) == (name, "UTC")
