"""Loyalty in the back office: written through the services, the account number masked, export and import."""

import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from expenses.loyalty.transfer import loyalty_export
from expenses.models import MerchantRewardsLink, RewardsMembership, RewardsProgram
from expenses.services.loyalty import merchant_rewards_link_set, rewards_membership_create, rewards_program_create
from expenses.tests.factories import MerchantFactory
from expenses.tests.test_loyalty import stored_account_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(member):
    program = rewards_program_create(owner=member, name="Chipotle Rewards")
    return rewards_membership_create(owner=member, program=program, account_number="1234567890", tier="Gold")


def test_an_admin_creates_a_programme_through_the_service(site_admin, member, web_client_for):
    response = web_client_for(site_admin).post(
        reverse("admin:expenses_rewardsprogram_add"), {"owner": member.pk, "name": "  Stars   Club ", "notes": ""}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert RewardsProgram.objects.get(owner=member).name == "Stars Club"  # squashed by the service


def test_the_account_page_never_shows_the_number_and_a_typed_one_is_stored_encrypted(
    site_admin, web_client_for, membership
):
    client = web_client_for(site_admin)
    url = reverse("admin:expenses_rewardsmembership_change", args=[membership.pk])

    page = client.get(url).content.decode()
    client.post(url, {"account_number": "5555666677778888", "tier": "Platinum", "points_balance": "10"})

    assert "1234567890" not in page
    assert "•••• 7890" in page
    membership.refresh_from_db()
    assert (membership.account_number, membership.tier) == ("5555666677778888", "Platinum")
    assert "5555666677778888" not in stored_account_number(membership)


def test_a_blank_number_in_the_admin_keeps_the_stored_one(site_admin, web_client_for, membership):
    web_client_for(site_admin).post(
        reverse("admin:expenses_rewardsmembership_change", args=[membership.pk]),
        {"account_number": "", "tier": "Gold", "points_balance": "3"},
    )

    assert RewardsMembership.objects.get().account_number == "1234567890"


def test_an_admin_links_a_merchant_and_a_second_link_replaces_the_programme(site_admin, member, web_client_for):
    first, second = (rewards_program_create(owner=member, name=name) for name in ("A", "B"))
    merchant = MerchantFactory()
    merchant_rewards_link_set(owner=member, merchant=merchant, program=first)

    web_client_for(site_admin).post(
        reverse("admin:expenses_merchantrewardslink_add"),
        {"owner": member.pk, "merchant": merchant.pk, "program": second.pk},
    )

    assert list(MerchantRewardsLink.objects.values_list("program__name", flat=True)) == ["B"]


def test_staff_who_are_not_admins_do_not_see_other_peoples_loyalty(manager, web_client_for, membership):
    page = web_client_for(manager).get(reverse("admin:expenses_rewardsprogram_changelist")).content.decode()

    assert "Chipotle Rewards" not in page


def test_the_export_action_downloads_the_owners_loyalty_without_account_numbers(site_admin, web_client_for, membership):
    response = web_client_for(site_admin).post(
        reverse("admin:expenses_rewardsprogram_changelist"),
        {"action": "export_json", ACTION_CHECKBOX_NAME: [membership.program_id]},
    )

    document = json.loads(response.content)
    assert document["programs"][0]["name"] == "Chipotle Rewards"
    assert "1234567890" not in response.content.decode()


def test_the_import_view_loads_an_export_into_a_person(site_admin, member, outsider, web_client_for, membership):
    membership.points_balance = Decimal("42.00")
    membership.save()
    exported = json.dumps(loyalty_export(member, include_account_numbers=True)).encode()

    response = web_client_for(site_admin).post(
        reverse("admin:expenses_rewardsprogram_import"),
        {"owner": outsider.pk, "file": SimpleUploadedFile("loyalty.json", exported)},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert loyalty_export(outsider, include_account_numbers=True) == loyalty_export(
        member, include_account_numbers=True
    )


def test_deleting_a_programme_in_the_admin_deletes_its_account(site_admin, web_client_for, membership):
    web_client_for(site_admin).post(
        reverse("admin:expenses_rewardsprogram_delete", args=[membership.program_id]), {"post": "yes"}
    )

    assert not RewardsMembership.objects.exists()


def test_an_admin_adds_an_account_with_its_number_encrypted(site_admin, member, web_client_for):
    program = rewards_program_create(owner=member, name="Stars")

    response = web_client_for(site_admin).post(
        reverse("admin:expenses_rewardsmembership_add"),
        {"owner": member.pk, "program": program.pk, "account_number": "777788889999", "points_balance": "0"},
    )

    assert response.status_code == HTTPStatus.FOUND
    membership = RewardsMembership.objects.get()
    assert membership.account_number == "777788889999"
    assert "777788889999" not in stored_account_number(membership)
