"""The loyalty API through HTTP: programmes, accounts (numbers encrypted, never read back), merchant links, and the
CSV/JSON export and import."""

import json
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from expenses.models import MerchantRewardsLink, RewardsMembership, RewardsProgram
from expenses.services.loyalty import merchant_rewards_link_set, rewards_membership_create, rewards_program_create
from expenses.tests.factories import MerchantFactory
from expenses.tests.test_loyalty import stored_account_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(member):
    return rewards_program_create(owner=member, name="Chipotle Rewards", website="https://chipotle.example/rewards")


@pytest.fixture
def membership(member, program):
    return rewards_membership_create(owner=member, program=program, account_number="1234567890", tier="Gold")


def test_a_programme_is_created_and_listed_with_its_masked_account(member, api_client_for):
    client = api_client_for(member)

    created = client.post(reverse("expenses_api:rewards-program-list"), {"name": "Stars"}, format="json")
    client.post(
        reverse("expenses_api:rewards-membership-list"),
        {"program": created.json()["id"], "account_number": "9988776655", "tier": "Green", "points_balance": "12.5"},
        format="json",
    )
    listed = client.get(reverse("expenses_api:rewards-program-list")).json()

    assert created.status_code == HTTPStatus.CREATED
    [stars] = listed["results"]
    assert stars["membership"]["account_number_masked"] == "•••• 6655"
    assert stars["membership"]["points_balance"] == "12.50"
    assert "9988776655" not in json.dumps(listed)


def test_the_account_number_is_never_read_back_and_is_encrypted_at_rest(member, api_client_for, membership):
    body = api_client_for(member).get(reverse("expenses_api:rewards-membership-detail", args=[membership.pk])).json()

    assert "account_number" not in body
    assert body["account_number_masked"] == "•••• 7890"
    assert "1234567890" not in stored_account_number(membership)


def test_a_new_account_number_is_written_through_the_api(member, api_client_for, membership):
    response = api_client_for(member).patch(
        reverse("expenses_api:rewards-membership-detail", args=[membership.pk]), {"account_number": "555 1234"},
        format="json",
    )  # fmt: skip

    assert response.json()["account_number_masked"] == "•••• 1234"
    assert RewardsMembership.objects.get().account_number == "555 1234"


def test_an_account_in_someone_elses_programme_is_a_400_on_program(outsider, api_client_for, program):
    response = api_client_for(outsider).post(
        reverse("expenses_api:rewards-membership-list"), {"program": program.pk}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["program"]


def test_a_second_account_in_one_programme_is_a_409(member, api_client_for, membership):
    response = api_client_for(member).post(
        reverse("expenses_api:rewards-membership-list"), {"program": membership.program_id}, format="json"
    )

    assert response.status_code == HTTPStatus.CONFLICT


def test_a_duplicate_programme_name_is_a_409_naming_name(member, api_client_for, program):
    response = api_client_for(member).post(
        reverse("expenses_api:rewards-program-list"), {"name": "chipotle rewards"}, format="json"
    )

    assert response.status_code == HTTPStatus.CONFLICT
    assert list(response.json()["errors"]) == ["name"]


def test_someone_elses_programme_is_not_found(outsider, api_client_for, program):
    client = api_client_for(outsider)

    assert client.get(reverse("expenses_api:rewards-program-detail", args=[program.pk])).status_code == 404
    assert client.delete(reverse("expenses_api:rewards-program-detail", args=[program.pk])).status_code == 404
    assert RewardsProgram.objects.filter(pk=program.pk).exists()


def test_a_merchant_is_linked_to_a_programme_and_shown_on_it(member, api_client_for, program):
    chipotle = MerchantFactory(name="Chipotle")
    client = api_client_for(member)

    linked = client.post(
        reverse("expenses_api:rewards-link-list"), {"merchant": chipotle.pk, "program": program.pk}, format="json"
    )
    shown = client.get(reverse("expenses_api:rewards-program-detail", args=[program.pk])).json()

    assert linked.status_code == HTTPStatus.CREATED
    assert shown["merchants"] == [{"id": chipotle.pk, "name": "Chipotle"}]


def test_linking_to_someone_elses_programme_is_a_400_on_program(outsider, api_client_for, program):
    response = api_client_for(outsider).post(
        reverse("expenses_api:rewards-link-list"), {"merchant": MerchantFactory().pk, "program": program.pk},
        format="json",
    )  # fmt: skip

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["program"]
    assert not MerchantRewardsLink.objects.exists()


def test_an_unlinked_merchant_is_removed(member, api_client_for, program):
    link = merchant_rewards_link_set(owner=member, merchant=MerchantFactory(), program=program)

    response = api_client_for(member).delete(reverse("expenses_api:rewards-link-detail", args=[link.pk]))

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not MerchantRewardsLink.objects.exists()


def test_the_json_export_imports_into_a_fresh_user_equal_field_for_field(member, outsider, api_client_for, membership):
    merchant_rewards_link_set(owner=member, merchant=MerchantFactory(name="Chipotle"), program=membership.program)
    exported = api_client_for(member).get(
        reverse("expenses_api:rewards-program-export"), {"file_format": "json", "account_numbers": "1"}
    )

    imported = api_client_for(outsider).post(
        reverse("expenses_api:rewards-program-import"),
        {"file": SimpleUploadedFile("loyalty.json", exported.content, content_type="application/json")},
        format="multipart",
    )

    assert imported.status_code == HTTPStatus.OK, imported.json()
    assert imported.json()["programs_created"] == 1
    fresh = api_client_for(outsider).get(
        reverse("expenses_api:rewards-program-export"), {"file_format": "json", "account_numbers": "1"}
    )
    assert fresh.json()["programs"] == exported.json()["programs"]
    assert RewardsMembership.objects.get(owner=outsider).account_number == "1234567890"


def test_the_csv_export_imports_into_a_fresh_user_equal_field_for_field(member, outsider, api_client_for, membership):
    merchant_rewards_link_set(owner=member, merchant=MerchantFactory(name="Chipotle"), program=membership.program)
    query = {"file_format": "csv", "account_numbers": "true"}
    exported = api_client_for(member).get(reverse("expenses_api:rewards-program-export"), query)

    api_client_for(outsider).post(
        reverse("expenses_api:rewards-program-import"), {"csv": exported.content.decode()}, format="json"
    )

    fresh = api_client_for(outsider).get(reverse("expenses_api:rewards-program-export"), query)
    assert exported["Content-Type"].startswith("text/csv")
    assert fresh.content == exported.content


def test_the_export_leaves_account_numbers_out_unless_asked(member, api_client_for, membership):
    exported = api_client_for(member).get(reverse("expenses_api:rewards-program-export"), {"file_format": "csv"})

    assert b"1234567890" not in exported.content
    assert exported["Cache-Control"] == "private, no-store"


def test_a_bad_import_is_a_400_naming_the_field_and_writes_nothing(member, api_client_for):
    response = api_client_for(member).post(
        reverse("expenses_api:rewards-program-import"),
        {"programs": [{"name": "Good"}, {"name": "Bad", "membership": {"points_balance": "lots"}}]},
        format="json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["points_balance"]
    assert not RewardsProgram.objects.exists()


def test_an_unknown_export_format_is_a_400(member, api_client_for):
    response = api_client_for(member).get(reverse("expenses_api:rewards-program-export"), {"file_format": "xml"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert list(response.json()["errors"]) == ["file_format"]


def test_the_programme_list_takes_a_constant_number_of_queries(member, api_client_for, django_assert_max_num_queries):
    for n in range(8):
        program = rewards_program_create(owner=member, name=f"Programme {n}")
        rewards_membership_create(owner=member, program=program, account_number=f"00{n}12345")
        merchant_rewards_link_set(owner=member, merchant=MerchantFactory(), program=program)
    client = api_client_for(member)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("expenses_api:rewards-program-list"))

    assert len(response.json()["results"]) == 8
