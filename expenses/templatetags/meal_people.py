"""Template filters for a meal's people, its substantiation gaps and its tip rate."""

from django import template

from expenses.substantiation import substantiation_gaps as gaps_of
from expenses.tips import tip_percent as tip_percent_of

register = template.Library()


@register.filter
def substantiation_gaps(expense) -> list:
    """What a business meal still lacks (expenses.substantiation); cheap on lists annotated for it."""
    return gaps_of(expense)


@register.filter
def tip_percent(expense):
    return tip_percent_of(expense)


@register.filter
def people(expense) -> list:
    """The meal's attendees, prefetched (`listed_attendees`) or read."""
    listed = getattr(expense, "listed_attendees", None)
    return listed if listed is not None else list(expense.attendees.all())


@register.filter
def unnamed(expense) -> int:
    """People at the table who are neither the owner nor named."""
    return max(0, expense.party_size - 1 - len(people(expense)))
