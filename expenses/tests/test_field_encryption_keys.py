"""Loyalty account numbers: their own key, rotated without losing a number, never tied to SECRET_KEY."""

from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from expenses.models import RewardsMembership
from expenses.services.loyalty import rewards_membership_create, rewards_program_create

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


@pytest.fixture
def membership(member, settings):
    settings.FIELD_ENCRYPTION_KEY = OLD_KEY
    program = rewards_program_create(owner=member, name="Coffee Club")
    return rewards_membership_create(owner=member, program=program, account_number="5555000011", tier="Gold",
                                     points_balance=Decimal("3"))  # fmt: skip


def stored(membership) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT account_number FROM {RewardsMembership._meta.db_table} WHERE id = %s",  # noqa: S608
            [membership.pk],
        )
        return cursor.fetchone()[0]


def test_changing_secret_key_leaves_stored_numbers_readable(membership, settings):
    settings.SECRET_KEY = "a-brand-new-secret-key-after-rotation-" + "x" * 20

    assert RewardsMembership.objects.get(pk=membership.pk).account_number == "5555000011"


def test_a_new_first_key_still_reads_numbers_written_under_the_old_one(membership, settings):
    settings.FIELD_ENCRYPTION_KEY = f"{NEW_KEY},{OLD_KEY}"

    assert RewardsMembership.objects.get(pk=membership.pk).account_number == "5555000011"


def test_rotation_rewrites_every_number_under_the_new_key_so_the_old_key_can_go(membership, settings):
    before = stored(membership)
    settings.FIELD_ENCRYPTION_KEY = f"{NEW_KEY},{OLD_KEY}"

    call_command("rotate_field_encryption")

    assert stored(membership) != before
    assert Fernet(NEW_KEY.encode()).decrypt(stored(membership).encode()) == b"5555000011"
    settings.FIELD_ENCRYPTION_KEY = NEW_KEY
    assert RewardsMembership.objects.get(pk=membership.pk).account_number == "5555000011"


def test_a_second_rotation_run_rewrites_nothing(membership, settings, capsys):
    settings.FIELD_ENCRYPTION_KEY = f"{NEW_KEY},{OLD_KEY}"
    call_command("rotate_field_encryption")
    after_first = stored(membership)

    call_command("rotate_field_encryption")

    assert stored(membership) == after_first
    assert "Re-encrypted 0 account numbers" in capsys.readouterr().out
