from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.db import connection
from django.urls import reverse

from expenses.loyalty.transfer import loyalty_export, loyalty_export_csv, loyalty_import
from expenses.models import MerchantRewardsLink, RewardsMembership, RewardsProgram
from expenses.services.loyalty import (
    merchant_rewards_link_set,
    rewards_membership_create,
    rewards_membership_update,
    rewards_program_create,
    rewards_program_delete,
    rewards_program_update,
)
from expenses.tests.factories import MerchantFactory
from mealtracker.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(member):
    return rewards_program_create(owner=member, name="Chipotle Rewards", website="https://chipotle.com/rewards")


@pytest.fixture
def membership(member, program):
    return rewards_membership_create(
        owner=member, program=program, account_number="1234567890", tier="Gold", points_balance=Decimal("120.50")
    )


def stored_account_number(membership) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT account_number FROM {RewardsMembership._meta.db_table} WHERE id = %s",  # noqa: S608
            [membership.pk],
        )
        return cursor.fetchone()[0]


def test_a_programme_name_is_unique_per_user_ignoring_case(member, program):
    with pytest.raises(Conflict):
        rewards_program_create(owner=member, name="chipotle rewards")


def test_two_users_may_have_programmes_with_the_same_name(outsider, program):
    assert rewards_program_create(owner=outsider, name="Chipotle Rewards").owner == outsider


def test_a_programme_needs_a_name(member):
    with pytest.raises(DomainError):
        rewards_program_create(owner=member, name="  ")


def test_a_programme_is_renamed_by_update(program):
    rewards_program_update(program=program, name="Chipotle  Rewards Club")

    program.refresh_from_db()
    assert program.name == "Chipotle Rewards Club"


def test_the_account_number_is_encrypted_in_the_database_and_readable_through_the_model(membership):
    raw = stored_account_number(membership)

    assert "1234567890" not in raw
    assert RewardsMembership.objects.get(pk=membership.pk).account_number == "1234567890"


def test_the_masked_account_number_shows_only_the_last_four_digits(membership):
    assert membership.account_number_masked == "•••• 7890"


def test_an_account_number_written_under_an_old_key_still_reads_after_rotation(membership, settings):
    settings.FIELD_ENCRYPTION_KEY = f"new-key,{settings.SECRET_KEY}"

    assert RewardsMembership.objects.get(pk=membership.pk).account_number == "1234567890"


def test_a_wrong_key_fails_loudly_instead_of_showing_ciphertext(membership, settings):
    settings.FIELD_ENCRYPTION_KEY = "some-other-key"

    with pytest.raises(ValueError, match="decrypt"):
        RewardsMembership.objects.get(pk=membership.pk)


def test_a_membership_must_belong_to_one_of_the_owners_programmes(outsider, program):
    with pytest.raises(DomainError) as raised:
        rewards_membership_create(owner=outsider, program=program)

    assert raised.value.field == "program"


def test_one_membership_per_programme(member, program, membership):
    with pytest.raises(Conflict):
        rewards_membership_create(owner=member, program=program)


def test_a_negative_points_balance_is_refused(membership):
    with pytest.raises(DomainError):
        rewards_membership_update(membership=membership, points_balance=Decimal("-1"))


def test_a_merchant_earns_in_one_programme_per_user_and_setting_again_replaces_it(member, program):
    chipotle = MerchantFactory(name="Chipotle")
    other = rewards_program_create(owner=member, name="Credit card points")

    merchant_rewards_link_set(owner=member, merchant=chipotle, program=program)
    merchant_rewards_link_set(owner=member, merchant=chipotle, program=other)

    assert list(MerchantRewardsLink.objects.filter(owner=member).values_list("program__name", flat=True)) == [
        "Credit card points"
    ]


def test_a_merchant_cannot_be_linked_to_another_users_programme(outsider, program):
    with pytest.raises(DomainError):
        merchant_rewards_link_set(owner=outsider, merchant=MerchantFactory(), program=program)


def test_deleting_a_programme_deletes_its_membership_and_links(member, program, membership):
    merchant_rewards_link_set(owner=member, merchant=MerchantFactory(), program=program)

    rewards_program_delete(program=program)

    assert not RewardsMembership.objects.exists()
    assert not MerchantRewardsLink.objects.exists()


def test_the_json_export_leaves_account_numbers_out_unless_asked(member, membership):
    without = loyalty_export(member)
    with_numbers = loyalty_export(member, include_account_numbers=True)

    assert "account_number" not in without["programs"][0]["membership"]
    assert with_numbers["programs"][0]["membership"]["account_number"] == "1234567890"
    assert with_numbers["programs"][0]["membership"]["points_balance"] == "120.50"


def test_the_export_holds_only_the_users_own_data(member, outsider, membership):
    rewards_program_create(owner=outsider, name="Theirs")

    assert [p["name"] for p in loyalty_export(member)["programs"]] == ["Chipotle Rewards"]


def test_a_json_export_imports_back_into_an_empty_account(member, outsider, membership):
    merchant_rewards_link_set(owner=member, merchant=MerchantFactory(name="Chipotle"), program=membership.program)
    document = loyalty_export(member, include_account_numbers=True)

    summary = loyalty_import(outsider, document=document)

    assert (summary.programs_created, summary.memberships_saved, summary.links_saved) == (1, 1, 1)
    assert loyalty_export(outsider, include_account_numbers=True)["programs"] == document["programs"]


def test_importing_the_same_file_twice_updates_rather_than_duplicates(member, membership):
    document = loyalty_export(member)

    summary = loyalty_import(member, document=document)

    assert (summary.programs_created, summary.programs_updated) == (0, 1)
    assert RewardsProgram.objects.filter(owner=member).count() == 1
    assert RewardsMembership.objects.get(owner=member).account_number == "1234567890"  # not in the file: kept


def test_a_csv_export_imports_back_with_its_merchants(member, outsider, membership):
    merchant_rewards_link_set(owner=member, merchant=MerchantFactory(name="Chipotle"), program=membership.program)

    summary = loyalty_import(outsider, csv_text=loyalty_export_csv(member, include_account_numbers=True))

    assert summary.links_saved == 1
    assert RewardsMembership.objects.get(owner=outsider).points_balance == Decimal("120.50")


def test_csv_cells_that_look_like_formulas_are_neutralised(member):
    rewards_program_create(owner=member, name="=HYPERLINK(evil)", notes="+1 call")

    exported = loyalty_export_csv(member)

    assert "'=HYPERLINK(evil)" in exported
    assert "'+1 call" in exported


def test_csv_with_the_original_apps_column_names_is_understood(member):
    text = "program_name,program_email,tier_name,points\nStarbucks Rewards,help@starbucks.example,Gold,42\n"

    loyalty_import(member, csv_text=text)

    membership = RewardsMembership.objects.get(owner=member)
    assert (membership.program.email, membership.tier, membership.points_balance) == (
        "help@starbucks.example",
        "Gold",
        Decimal("42.00"),
    )


def test_an_unknown_merchant_in_an_import_is_a_warning_not_a_failure(member):
    summary = loyalty_import(member, document={"programs": [{"name": "Points", "merchants": ["Nowhere"]}]})

    assert summary.programs_created == 1
    assert "Nowhere" in summary.warnings[0]


def test_a_bad_row_rolls_back_the_whole_import(member):
    document = {"programs": [{"name": "Good"}, {"name": "Bad", "membership": {"points_balance": "lots"}}]}

    with pytest.raises(DomainError, match="Programme 2"):
        loyalty_import(member, document=document)

    assert not RewardsProgram.objects.filter(owner=member).exists()


def test_a_document_that_is_not_a_loyalty_export_is_refused(member):
    with pytest.raises(DomainError):
        loyalty_import(member, document={"expenses": []})


def test_the_admin_shows_only_the_masked_account_number(web_client_for, site_admin, membership):
    response = web_client_for(site_admin).get(reverse("admin:expenses_rewardsmembership_changelist"))

    assert b"7890" in response.content
    assert b"1234567890" not in response.content


def test_the_encrypted_column_cannot_be_searched(membership):
    with pytest.raises(FieldError):
        RewardsMembership.objects.filter(account_number__icontains="7890").count()


def test_a_fernet_key_in_the_settings_is_used_as_given(membership, settings):
    key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = key
    rewards_membership_update(membership=membership, account_number="555")

    assert Fernet(key.encode()).decrypt(stored_account_number(membership).encode()) == b"555"
