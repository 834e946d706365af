"""Reads of loyalty data: always the user's own (programmes, memberships and merchant links are personal)."""

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower

from accounts.models import User
from expenses.models import MerchantRewardsLink, RewardsMembership, RewardsProgram


def rewards_programs_owned_by(user: User) -> QuerySet[RewardsProgram]:
    """The user's programmes with their membership and linked merchants loaded (three queries for any number)."""
    return (
        RewardsProgram.objects.filter(owner=user)
        .prefetch_related(
            Prefetch("memberships", queryset=RewardsMembership.objects.filter(owner=user)),
            Prefetch("merchant_links", queryset=MerchantRewardsLink.objects.select_related("merchant")),
        )
        .order_by(Lower("name"), "pk")
    )


def rewards_memberships_owned_by(user: User) -> QuerySet[RewardsMembership]:
    return RewardsMembership.objects.filter(owner=user).select_related("program").order_by(Lower("program__name"))


def merchant_rewards_links_owned_by(user: User) -> QuerySet[MerchantRewardsLink]:
    return MerchantRewardsLink.objects.filter(owner=user).select_related("merchant", "program")
