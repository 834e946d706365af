"""The loyalty pages: list (numbers masked, constant queries), create and edit with the account, delete, link and
unlink merchants, export and import."""

from decimal import Decimal
from http import HTTPStatus

import pytest
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
    return rewards_membership_create(owner=member, program=program, account_number="1234567890", tier="Gold",
                                     points_balance=Decimal("120.50"))  # fmt: skip


def test_the_list_shows_each_programme_with_the_number_masked(member, web_client_for, membership):
    page = web_client_for(member).get(reverse("loyalty_list")).content.decode()

    assert "Chipotle Rewards" in page
    assert "•••• 7890" in page
    assert "1234567890" not in page


def test_the_list_takes_a_constant_number_of_queries(member, web_client_for, django_assert_max_num_queries):
    for n in range(10):
        program = rewards_program_create(owner=member, name=f"Programme {n}")
        rewards_membership_create(owner=member, program=program, account_number=f"99{n}4321")
        merchant_rewards_link_set(owner=member, merchant=MerchantFactory(), program=program)
    client = web_client_for(member)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("loyalty_list"))

    assert response.content.decode().count("•••• ") == 10


def test_someone_elses_programmes_are_not_listed_and_not_found(outsider, web_client_for, membership):
    client = web_client_for(outsider)

    assert "Chipotle" not in client.get(reverse("loyalty_list")).content.decode()
    assert client.get(reverse("loyalty_edit", args=[membership.program_id])).status_code == HTTPStatus.NOT_FOUND
    assert client.post(reverse("loyalty_delete", args=[membership.program_id])).status_code == HTTPStatus.NOT_FOUND


def test_a_programme_is_created_with_its_account_number_encrypted(member, web_client_for):
    response = web_client_for(member).post(
        reverse("loyalty_create"),
        {"name": "Stars", "website": "starbucks.example", "account-account_number": "4444333322221111",
         "account-tier": "Green", "account-points_balance": "15"},
    )  # fmt: skip

    assert response.status_code == HTTPStatus.FOUND
    membership = RewardsMembership.objects.get(owner=member)
    assert (membership.program.website, membership.tier, membership.points_balance) == (
        "https://starbucks.example",
        "Green",
        Decimal("15.00"),
    )
    assert "4444333322221111" not in stored_account_number(membership)


def test_the_edit_page_never_shows_the_number_and_a_blank_number_keeps_it(member, web_client_for, membership):
    client = web_client_for(member)
    url = reverse("loyalty_edit", args=[membership.program_id])

    page = client.get(url).content.decode()
    client.post(url, {"name": "Chipotle Rewards", "account-tier": "Platinum", "account-account_number": ""})

    assert "1234567890" not in page
    assert "•••• 7890" in page
    membership.refresh_from_db()
    assert (membership.tier, membership.account_number) == ("Platinum", "1234567890")


def test_a_duplicate_name_is_shown_on_the_name_field(member, web_client_for, membership):
    response = web_client_for(member).post(reverse("loyalty_create"), {"name": "chipotle rewards"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "already have a programme" in response.content.decode()


def test_a_programme_is_deleted_with_its_account(member, web_client_for, membership):
    web_client_for(member).post(reverse("loyalty_delete", args=[membership.program_id]))

    assert not RewardsProgram.objects.exists()
    assert not RewardsMembership.objects.exists()


def test_a_merchant_is_linked_and_unlinked(member, web_client_for, membership):
    chipotle = MerchantFactory(name="Chipotle")
    client = web_client_for(member)

    client.post(reverse("loyalty_link", args=[membership.program_id]), {"merchant": chipotle.pk})
    link = MerchantRewardsLink.objects.get()
    listed = client.get(reverse("loyalty_list")).content.decode()
    client.post(reverse("loyalty_unlink", args=[link.pk]))

    assert link.merchant == chipotle
    assert "Unlink Chipotle" in listed
    assert not MerchantRewardsLink.objects.exists()


def test_someone_else_cannot_unlink_your_merchant(member, outsider, web_client_for, membership):
    link = merchant_rewards_link_set(owner=member, merchant=MerchantFactory(), program=membership.program)

    response = web_client_for(outsider).post(reverse("loyalty_unlink", args=[link.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert MerchantRewardsLink.objects.exists()


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_an_export_imports_into_a_fresh_user_equal_field_for_field(
    member, outsider, web_client_for, membership, file_format
):
    merchant_rewards_link_set(owner=member, merchant=MerchantFactory(name="Chipotle"), program=membership.program)
    exported = web_client_for(member).get(
        reverse("loyalty_export"), {"file_format": file_format, "account_numbers": "1"}
    )

    response = web_client_for(outsider).post(
        reverse("loyalty_import"), {"file": SimpleUploadedFile(f"loyalty.{file_format}", exported.content)}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert loyalty_export(outsider, include_account_numbers=True) == loyalty_export(
        member, include_account_numbers=True
    )


def test_the_export_leaves_numbers_out_unless_asked(member, web_client_for, membership):
    exported = web_client_for(member).get(reverse("loyalty_export"), {"file_format": "json"})

    assert b"1234567890" not in exported.content
    assert exported["Content-Disposition"] == 'attachment; filename="loyalty.json"'


def test_a_broken_import_shows_the_reason_and_writes_nothing(member, web_client_for):
    bad = b'{"programs": [{"name": "Good"}, {"name": "Bad", "membership": {"points_balance": "lots"}}]}'

    response = web_client_for(member).post(reverse("loyalty_import"), {"file": SimpleUploadedFile("l.json", bad)})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Programme 2" in response.content.decode()
    assert not RewardsProgram.objects.exists()


def test_the_menu_links_to_the_loyalty_page(member, web_client_for):
    assert reverse("loyalty_list") in web_client_for(member).get(reverse("expense_list")).content.decode()
