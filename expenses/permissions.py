"""Who may do what to an expense: plain predicates shared by the API, web views and admin."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import User
from accounts.selectors import delegated_manager_for, is_manager_of, teams_readable_by
from expenses.choices import ExpenseStatus
from expenses.models import Expense

OWNER_EDITABLE = {ExpenseStatus.RECORDED, ExpenseStatus.DRAFT, ExpenseStatus.REJECTED}


def can_view_expense(user: User, expense: Expense) -> bool:
    """The same rule as expenses_visible_to, for one expense already in hand."""
    if user.is_admin or expense.owner_id == user.pk:
        return True
    if user.is_finance:
        return expense.is_business and expense.status not in (ExpenseStatus.DRAFT, ExpenseStatus.RECORDED)
    return teams_readable_by(user).filter(pk=expense.owner.team_id).exists()


def can_edit_expense(user: User, expense: Expense) -> bool:
    """Owners edit until a decision is pending or made; admins may correct anything (audited)."""
    if user.is_admin:
        return True
    return expense.owner_id == user.pk and expense.status in OWNER_EDITABLE


def can_review_expense(user: User, expense: Expense) -> bool:
    """Decide on an expense at its current step, never one's own: a submitted meal by the owner's manager (or the
    delegate standing in for one) or an admin; a meal awaiting finance by finance or an admin; reimbursing an
    approved meal by finance, the owner's manager or an admin. Auditors decide nothing."""
    if expense.owner_id == user.pk or user.is_auditor:
        return False
    if user.is_admin:
        return True
    if expense.status == ExpenseStatus.SECOND_REVIEW:
        return user.is_finance
    if expense.status == ExpenseStatus.APPROVED and user.is_finance:
        return True
    return is_manager_of(user, expense.owner) or delegated_manager_for(user, expense.owner) is not None


def is_read_only(user: User) -> bool:
    """Auditors read and never write, on every surface."""
    return bool(user and user.is_authenticated and user.is_auditor)


class IsAdminOrReadOnly(BasePermission):
    """Everyone signed in reads; only admins write (the merchant catalogue)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or request.user.is_admin
