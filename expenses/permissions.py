"""Who may do what to an expense: plain predicates shared by the API, web views and admin."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import User
from accounts.selectors import is_manager_of
from expenses.choices import ExpenseStatus
from expenses.models import Expense

OWNER_EDITABLE = {ExpenseStatus.RECORDED, ExpenseStatus.DRAFT, ExpenseStatus.REJECTED}


def can_view_expense(user: User, expense: Expense) -> bool:
    return user.is_admin or expense.owner_id == user.pk or is_manager_of(user, expense.owner)


def can_edit_expense(user: User, expense: Expense) -> bool:
    """Owners edit until a decision is pending or made; admins may correct anything (audited)."""
    if user.is_admin:
        return True
    return expense.owner_id == user.pk and expense.status in OWNER_EDITABLE


def can_review_expense(user: User, expense: Expense) -> bool:
    """Approve, reject or mark reimbursed: the owner's manager or an admin, never the owner."""
    if expense.owner_id == user.pk:
        return False
    return user.is_admin or is_manager_of(user, expense.owner)


class IsAdminOrReadOnly(BasePermission):
    """Everyone signed in reads; only admins write (the merchant catalogue)."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or request.user.is_admin
