"""Delegation while away: a manager names another manager who decides for their teams between two dates."""

import datetime

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import ApprovalDelegation, User
from mealtracker.errors import DomainError, NotAllowed, NotFound


def delegations_of(user: User) -> QuerySet[ApprovalDelegation]:
    """Delegations a manager gave or holds (all of them for an admin)."""
    delegations = ApprovalDelegation.objects.select_related("manager", "delegate")
    if user.is_admin:
        return delegations
    return delegations.filter(manager=user) | delegations.filter(delegate=user)


def delegation_get(*, user: User, pk) -> ApprovalDelegation:
    try:
        return delegations_of(user).get(pk=pk)
    except (ApprovalDelegation.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("Delegation not found.") from exc


@transaction.atomic
def delegation_create(
    *, manager: User, delegate: User, starts_on: datetime.date, ends_on: datetime.date, note: str = ""
) -> ApprovalDelegation:
    """`delegate` (another manager) decides for `manager`'s teams from `starts_on` to `ends_on`, both included."""
    if not manager.is_manager:
        raise NotAllowed("Only managers delegate their approvals.")
    if delegate is None or not delegate.is_active or not delegate.is_manager:
        raise DomainError("Choose another manager as the delegate.", field="delegate")
    if delegate.pk == manager.pk:
        raise DomainError("You cannot delegate to yourself.", field="delegate")
    if ends_on < starts_on:
        raise DomainError("The delegation ends before it starts.", field="ends_on")
    return ApprovalDelegation.objects.create(
        manager=manager, delegate=delegate, starts_on=starts_on, ends_on=ends_on, note=note.strip()
    )


@transaction.atomic
def delegation_delete(*, delegation: ApprovalDelegation, actor: User) -> None:
    """The manager who gave it (or an admin) ends a delegation."""
    if delegation.manager_id != actor.pk and not actor.is_admin:
        raise NotAllowed("Only the manager who delegated ends the delegation.")
    delegation.delete()
