"""Reads of the conversation on expenses and reports."""

from django.db.models import QuerySet

from expenses.models import Comment, Expense, ExpenseReport


def comments_on(*, expense: Expense | None = None, report: ExpenseReport | None = None) -> QuerySet[Comment]:
    """The conversation on an expense or report, oldest first, with authors (one query)."""
    return Comment.objects.filter(expense=expense, report=report).select_related("author").order_by("created_at", "id")
