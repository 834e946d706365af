"""Rewards programmes, the user's memberships in them and which merchant earns in which programme."""

from decimal import Decimal

from django.db import transaction

from accounts.models import User
from expenses.models import Merchant, MerchantRewardsLink, RewardsMembership, RewardsProgram
from expenses.services.catalog import save_unique
from expenses.services.validation import full_clean_or_raise
from mealtracker.errors import DomainError

PROGRAM_FIELDS = {"name", "website", "portal_url", "email", "phone", "notes"}
MEMBERSHIP_FIELDS = {
    "membership_email", "membership_phone", "portal_username", "account_number", "tier", "points_balance", "notes",
}  # fmt: skip


def _set(instance, allowed: set[str], fields: dict) -> None:
    unknown = set(fields) - allowed
    if unknown:
        name = sorted(unknown)[0]
        raise DomainError(f"Unknown field {name}.", field=name)
    for name, value in fields.items():
        if isinstance(value, str) and name != "notes":
            value = " ".join(value.split())
        if name == "points_balance":
            value = Decimal(0) if value in (None, "") else value
        setattr(instance, name, value if value is not None else "")


def _own_program(owner: User, program: RewardsProgram) -> RewardsProgram:
    if program is None or program.owner_id != owner.pk:
        raise DomainError("Choose one of your own rewards programmes.", field="program")
    return program


@transaction.atomic
def rewards_program_create(*, owner: User, **fields) -> RewardsProgram:
    program = RewardsProgram(owner=owner)
    _set(program, PROGRAM_FIELDS, fields)
    full_clean_or_raise(program, exclude=["owner"])
    return save_unique(program, "You already have a programme with this name.", "name")


@transaction.atomic
def rewards_program_update(*, program: RewardsProgram, **fields) -> RewardsProgram:
    _set(program, PROGRAM_FIELDS, fields)
    full_clean_or_raise(program, exclude=["owner"])
    return save_unique(program, "You already have a programme with this name.", "name")


@transaction.atomic
def rewards_program_delete(*, program: RewardsProgram) -> None:
    """Delete a programme with its membership and merchant links."""
    program.delete()


@transaction.atomic
def rewards_membership_create(*, owner: User, program: RewardsProgram, **fields) -> RewardsMembership:
    """The owner's account in one of their programmes (one per programme); the number is stored encrypted."""
    membership = RewardsMembership(owner=owner, program=_own_program(owner, program))
    _set(membership, MEMBERSHIP_FIELDS, fields)
    full_clean_or_raise(membership, exclude=["owner", "program"])
    return save_unique(membership, "You already have an account in this programme.", "program")


@transaction.atomic
def rewards_membership_update(*, membership: RewardsMembership, **fields) -> RewardsMembership:
    _set(membership, MEMBERSHIP_FIELDS, fields)
    full_clean_or_raise(membership, exclude=["owner", "program"])
    membership.save()
    return membership


@transaction.atomic
def rewards_membership_delete(*, membership: RewardsMembership) -> None:
    membership.delete()


@transaction.atomic
def merchant_rewards_link_set(*, owner: User, merchant: Merchant, program: RewardsProgram) -> MerchantRewardsLink:
    """Say which of the owner's programmes earns at a merchant (replacing any earlier choice)."""
    _own_program(owner, program)
    link, _ = MerchantRewardsLink.objects.update_or_create(
        owner=owner, merchant=merchant, defaults={"program": program}
    )
    return link


@transaction.atomic
def merchant_rewards_link_delete(*, link: MerchantRewardsLink) -> None:
    link.delete()


def rewards_account_numbers_reencrypt(*, batch_size: int = 500) -> int:
    """Write every stored account number again under the first FIELD_ENCRYPTION_KEY; how many were rewritten.

    After a new key is put first (the old ones kept after it), this leaves no number that needs an old key, which
    can then be dropped. Numbers already under the current key are skipped, so a second run rewrites nothing.
    """
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from expenses.loyalty.crypto import encrypted_with_current_key

    # The column as stored (a Cast to plain text skips the field's decryption).
    stored = RewardsMembership.objects.annotate(token=Cast("account_number", TextField()))
    rewritten = 0
    for pk, token in stored.values_list("pk", "token").order_by("pk").iterator(chunk_size=batch_size):
        if not token or encrypted_with_current_key(token):
            continue
        with transaction.atomic():
            membership = RewardsMembership.objects.select_for_update().get(pk=pk)  # read with whichever key fits
            membership.save(update_fields=["account_number"])  # written with the first
        rewritten += 1
    return rewritten


@transaction.atomic
def rewards_program_save(
    *, owner: User, program: RewardsProgram | None = None, program_fields: dict, membership_fields: dict
) -> RewardsProgram:
    """Create or change a programme and the owner's account in it, all or nothing (the web form edits both).

    A blank account number leaves the stored one as it is; the account is created when any of its fields is given."""
    if program is None:
        program = rewards_program_create(owner=owner, **program_fields)
    else:
        program = rewards_program_update(program=program, **program_fields)
    given = {name: value for name, value in membership_fields.items() if value not in (None, "")}
    if not given.get("account_number"):
        given.pop("account_number", None)
    membership = RewardsMembership.objects.filter(owner=owner, program=program).first()
    if membership is None and given:
        rewards_membership_create(owner=owner, program=program, **given)
    elif membership is not None:
        # Fields emptied on the form are emptied; the account number only changes when a new one is typed.
        cleared = dict.fromkeys(MEMBERSHIP_FIELDS - {"account_number"} - set(given), "")
        rewards_membership_update(membership=membership, **cleared, **given)
    return program
