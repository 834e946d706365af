"""Attendees through the expense services: who may be named, the party-size rule, every write path."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from expenses import services
from expenses.attendee_text import attendees_parse_text
from expenses.models import Attendee
from expenses.services.expenses import ExpenseDraftsRefused, expenses_create_many
from expenses.tests.factories import RestaurantFactory
from mealtracker.errors import DomainError

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.now() - datetime.timedelta(days=1)


def dinner(owner, **fields):
    return services.expense_create(owner=owner, amount=Decimal("120.00"), occurred_at=YESTERDAY, **fields)


def people(expense):
    return list(expense.attendees.values_list("user_id", "name", "company", "relationship", "position"))


def test_a_colleague_and_a_guest_are_recorded_in_order(member, teammate):
    expense = dinner(member, attendees=[teammate, {"name": " Ann  Lee ", "company": "ACME", "relationship": "client"}])

    assert people(expense) == [(teammate.pk, str(teammate), "", "", 0), (None, "Ann Lee", "ACME", "client", 1)]


def test_party_size_defaults_to_the_owner_and_the_attendees(member, teammate):
    expense = dinner(member, attendees=[teammate, "Ann"])

    assert expense.party_size == 3


def test_party_size_smaller_than_the_people_named_is_refused_on_party_size(member, teammate):
    with pytest.raises(DomainError) as refused:
        dinner(member, attendees=[teammate, "Ann"], party_size=2)

    assert refused.value.field == "party_size"
    assert not Attendee.objects.exists()


def test_a_larger_party_keeps_its_anonymous_covers(member):
    expense = dinner(member, attendees=["Ann"], party_size=5)

    assert (expense.party_size, expense.attendees.count()) == (5, 1)


def test_someone_of_another_team_cannot_be_named_as_a_colleague(member, outsider):
    with pytest.raises(DomainError) as refused:
        dinner(member, attendees=[outsider])

    assert refused.value.field == "attendees"


def test_the_team_manager_is_a_colleague(member, manager):
    expense = dinner(member, attendees=[{"user": manager.pk}])

    assert people(expense)[0][0] == manager.pk


def test_the_owner_is_not_their_own_attendee(member):
    with pytest.raises(DomainError) as refused:
        dinner(member, attendees=[member])

    assert refused.value.field == "attendees"


def test_an_inactive_colleague_cannot_be_named(member, teammate):
    teammate.is_active = False
    teammate.save()

    with pytest.raises(DomainError):
        dinner(member, attendees=[teammate.pk])


def test_the_same_colleague_twice_is_refused(member, teammate):
    with pytest.raises(DomainError) as refused:
        dinner(member, attendees=[teammate, {"user": teammate.pk}])

    assert refused.value.field == "attendees"


def test_the_same_guest_twice_counts_once(member):
    expense = dinner(member, attendees=["Ann", "ann", {"name": "Ann", "company": "Other"}])

    assert [row[1:3] for row in people(expense)] == [("Ann", ""), ("Ann", "Other")]


def test_a_guest_needs_a_name(member):
    with pytest.raises(DomainError) as refused:
        dinner(member, attendees=[{"company": "ACME"}])

    assert refused.value.field == "attendees"


def test_naming_more_people_fills_the_anonymous_covers_first(member, teammate):
    expense = dinner(member, attendees=["Ann"], party_size=4)  # owner, Ann, two people not named

    updated = services.expense_update(expense=expense, actor=member, attendees=["Ann", "Bo", teammate])

    assert (updated.party_size, len(people(updated))) == (4, 3)
    assert updated.version == expense.version + 1


def test_naming_more_people_than_the_party_raises_it(member):
    expense = dinner(member, attendees=["Ann"])

    updated = services.expense_update(expense=expense, actor=member, attendees=["Ann", "Bo", "Cy"])

    assert updated.party_size == 4


def test_lowering_the_party_below_the_attendees_is_refused(member):
    expense = dinner(member, attendees=["Ann", "Bo"])

    with pytest.raises(DomainError) as refused:
        services.expense_update(expense=expense, actor=member, party_size=2)

    assert refused.value.field == "party_size"


def test_an_update_without_attendees_leaves_them(member):
    expense = dinner(member, attendees=["Ann"])

    services.expense_update(expense=expense, actor=member, notes="Window table")

    assert [row[1] for row in people(expense)] == ["Ann"]


def test_bulk_creation_keeps_the_same_rules(member, teammate):
    drafts = [
        {"amount": Decimal("30.00"), "occurred_at": YESTERDAY, "attendees": [teammate, "Ann"]},
        {"amount": Decimal("30.00"), "occurred_at": YESTERDAY, "attendees": "Bo, Cy", "party_size": 2},
    ]

    with pytest.raises(ExpenseDraftsRefused) as refused:
        expenses_create_many(owner=member, drafts=drafts)

    assert refused.value.refused[1].field == "party_size"
    created = expenses_create_many(owner=member, drafts=drafts[:1])
    assert (created[0].party_size, [row[1] for row in people(created[0])]) == (3, [str(teammate), "Ann"])


def test_a_deleted_colleague_stays_on_the_meal_as_a_guest_of_that_name(member, teammate):
    expense = dinner(member, attendees=[teammate])

    teammate.delete()

    assert people(expense) == [(None, str(teammate), "", "", 0)]


def test_the_original_apps_free_text_is_a_list_of_guest_names():
    assert attendees_parse_text("Ann Lee, Bo\nCy; ") == [{"name": "Ann Lee"}, {"name": "Bo"}, {"name": "Cy"}]


def test_the_export_text_reads_back_colleagues_and_guests():
    text = "Tess Mate <teammate@example.com>; Ann Lee | ACME, Inc. | client; Bo | | supplier"

    assert attendees_parse_text(text) == [
        {"name": "Tess Mate", "email": "teammate@example.com", "company": "", "relationship": ""},
        {"name": "Ann Lee", "company": "ACME, Inc.", "relationship": "client"},
        {"name": "Bo", "company": "", "relationship": "supplier"},
    ]


def test_a_colleague_by_email_in_text_becomes_a_colleague_row(member, teammate):
    expense = dinner(member, attendees=f"Someone <{teammate.email}>; Ann | ACME")

    assert people(expense) == [(teammate.pk, str(teammate), "", "", 0), (None, "Ann", "ACME", "", 1)]


def test_cost_per_attendee_counts_every_person(member, teammate):
    expense = dinner(member, attendees=[teammate, "Ann"], restaurant=RestaurantFactory(owner=member))

    assert expense.per_person_amount == Decimal("40.00")


def test_the_meal_policy_judges_the_cost_per_attendee(member, manager, team_a, teammate):
    from expenses.models import PolicyFlag
    from expenses.services.policies import meal_policy_set

    meal_policy_set(actor=manager, team=team_a, meal_type="dinner", max_per_person=Decimal("50.00"))
    expense = dinner(member, meal_type="dinner", is_business=True, business_purpose="Pitch")  # 120 for one
    assert PolicyFlag.objects.get(expense=expense).per_person == Decimal("120.00")

    services.expense_update(expense=expense, actor=member, attendees=[teammate, "Ann"])  # 120 / 3 = 40 each

    assert not PolicyFlag.objects.filter(expense=expense).exists()
