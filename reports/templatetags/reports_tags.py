"""Template helpers other apps' pages may use without importing reports: `{% load reports_tags %}`."""

from operator import attrgetter

from django import template

from reports.services.budgets import budget_progress, budgets_visible_to

register = template.Library()


@register.simple_tag
def budgets_with_progress(user) -> list[dict]:
    """The user's budgets with this period's progress (one aggregate query for all of them).

    The card names each budget's team and category. A personal budget the user sees is their own (budgets_visible_to),
    so its owner is `user` rather than every column of a join to the users table, and the budgets are put in id order
    (the model's) here: building the query's ORDER BY cost more than sorting a few budgets."""
    if not getattr(user, "is_authenticated", False):
        return []
    query = budgets_visible_to(user).select_related(None).select_related("team", "category").order_by()
    budgets = sorted(query, key=attrgetter("pk"))
    for budget in budgets:
        if budget.user_id == user.pk:
            budget.user = user
    progress = budget_progress(budgets)
    return [{"budget": budget, "progress": progress[budget.pk]} for budget in budgets]
