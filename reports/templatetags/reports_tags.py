"""Template helpers other apps' pages may use without importing reports: `{% load reports_tags %}`."""

from django import template

from reports.services.budgets import budget_progress, budgets_visible_to

register = template.Library()


@register.simple_tag
def budgets_with_progress(user) -> list[dict]:
    """The user's budgets with this period's progress (one aggregate query for all of them)."""
    if not getattr(user, "is_authenticated", False):
        return []
    budgets = list(budgets_visible_to(user))
    progress = budget_progress(budgets)
    return [{"budget": budget, "progress": progress[budget.pk]} for budget in budgets]
