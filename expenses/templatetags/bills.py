"""The bill section of a meal's page: its items, whether they add up, and how the meal was split."""

from django import template

from expenses.models import Split
from expenses.services.splits import items_mismatch
from expenses.split_selectors import line_items_of, shares_of_expense

register = template.Library()


@register.inclusion_tag("expenses/_bill.html", takes_context=True)
def bill_section(context, expense):
    """Items with their sum and any mismatch against the amount paid; the shares this viewer may see."""
    user = context["request"].user
    items = line_items_of(expense)
    items_total = sum((item.amount for item in items), start=expense.amount * 0) if items else None
    mismatch = items_mismatch(expense, items_total)
    return {
        "expense": expense,
        "user": user,
        "items": items,
        "items_total": items_total,
        "mismatch": mismatch,
        "mismatch_size": abs(mismatch) if mismatch else None,
        "bill_total": expense.amount + mismatch if mismatch is not None else None,
        "split": Split.objects.filter(expense=expense).first(),
        "shares": shares_of_expense(user, expense),
        "is_owner": expense.owner_id == user.pk,
    }


@register.inclusion_tag("expenses/_bill_check.html")
def bill_check(expense):
    """On the edit form: the bill's items against the amount, tax, tip and fees as saved."""
    items = line_items_of(expense)
    if not items:
        return {"items": False}
    items_total = sum((item.amount for item in items), start=expense.amount * 0)
    mismatch = items_mismatch(expense, items_total)
    return {"items": True, "expense": expense, "items_total": items_total, "mismatch": mismatch,
            "mismatch_size": abs(mismatch)}  # fmt: skip
