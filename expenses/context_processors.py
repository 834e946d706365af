"""Template context every page shares: the navigation's count of meals waiting for the viewer's decision."""

from django.utils.functional import SimpleLazyObject

from expenses.selectors import expenses_awaiting_review_by


def approvals_waiting(request) -> dict:
    """`approvals_waiting`: how many submitted meals the signed-in manager or admin may decide on (None for anyone
    else). Counted once, only when a page shows it: one query on a reviewer's page, none on anyone else's."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (user.is_manager or user.is_admin or user.is_finance):
        return {"approvals_waiting": None}
    return {"approvals_waiting": SimpleLazyObject(lambda: expenses_awaiting_review_by(user).order_by().count())}
