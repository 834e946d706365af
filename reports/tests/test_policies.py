import datetime
from decimal import Decimal
from http import HTTPStatus

from django.urls import reverse
from django.utils import timezone

from expenses import services
from expenses.models import PolicyFlag
from reports.tests.factories import MealPolicyFactory


def record_dinner(owner, amount, party_size=1, **fields):
    fields = {"is_business": True, "business_purpose": "Client dinner", **fields}
    return services.expense_create(
        owner=owner, amount=Decimal(amount), occurred_at=timezone.now() - datetime.timedelta(hours=1),
        currency="USD", meal_type="dinner", party_size=party_size, **fields,
    )  # fmt: skip


def test_expense_over_the_team_policy_is_flagged_when_recorded(member, team_a):
    MealPolicyFactory(team=team_a, meal_type="dinner", max_per_person=Decimal("50.00"))
    expense = record_dinner(member, "130.00", party_size=2)
    flag = PolicyFlag.objects.get(expense=expense)
    assert (flag.per_person, flag.limit_per_person, flag.over_by) == (
        Decimal("65.00"),
        Decimal("50.00"),
        Decimal("15.00"),
    )


def test_expense_within_the_policy_is_not_flagged(member, team_a):
    MealPolicyFactory(team=team_a, meal_type="dinner", max_per_person=Decimal("50.00"))
    record_dinner(member, "100.00", party_size=2)
    assert not PolicyFlag.objects.exists()


def test_another_teams_policy_does_not_apply(outsider, team_a):
    MealPolicyFactory(team=team_a, meal_type="dinner", max_per_person=Decimal("10.00"))
    record_dinner(outsider, "100.00")
    assert not PolicyFlag.objects.exists()


def test_over_policy_expense_is_never_refused(api_client_for, member, team_a):
    MealPolicyFactory(team=team_a, meal_type="dinner", max_per_person=Decimal("10.00"))
    assert record_dinner(member, "100.00").pk is not None


def test_manager_sets_a_meal_policy_for_their_team(api_client_for, manager, team_a):
    response = api_client_for(manager).post(
        reverse("reports_api:meal-policy-list"),
        {"team": team_a.pk, "meal_type": "lunch", "max_per_person": "25.00"},
        format="json",
    )
    assert response.status_code == HTTPStatus.CREATED
    assert (response.json()["max_per_person"], response.json()["currency"]) == ("25.00", "USD")


def test_member_cannot_set_a_meal_policy(api_client_for, member, team_a):
    response = api_client_for(member).post(
        reverse("reports_api:meal-policy-list"),
        {"team": team_a.pk, "meal_type": "lunch", "max_per_person": "25.00"},
        format="json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "team" in response.json()["errors"]


def test_other_teams_policy_is_not_found(api_client_for, manager, team_b):
    policy = MealPolicyFactory(team=team_b)
    response = api_client_for(manager).get(reverse("reports_api:meal-policy-detail", args=[policy.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_manager_sees_submitted_over_policy_expenses_in_the_queue(api_client_for, manager, member, team_a):
    MealPolicyFactory(team=team_a, meal_type="dinner", max_per_person=Decimal("20.00"))
    expense = services.expense_create(
        owner=member, amount=Decimal("90.00"), occurred_at=timezone.now() - datetime.timedelta(hours=1),
        currency="USD", meal_type="dinner", is_business=True, business_purpose="Client dinner",
    )  # fmt: skip
    services.expense_submit(expense=expense, actor=member)
    response = api_client_for(manager).get(reverse("reports_api:policy-flag-list"), {"status": "submitted"})
    assert [(f["expense"], f["over_by"]) for f in response.json()["results"]] == [(expense.pk, "70.00")]


def test_other_teams_manager_sees_no_flags(api_client_for, other_manager, member, team_a):
    MealPolicyFactory(team=team_a, meal_type="dinner", max_per_person=Decimal("20.00"))
    record_dinner(member, "90.00")
    assert api_client_for(other_manager).get(reverse("reports_api:policy-flag-list")).json()["results"] == []


def test_flag_list_runs_a_fixed_number_of_queries(api_client_for, manager, member, team_a, assert_max_app_queries):
    MealPolicyFactory(team=team_a, meal_type="dinner", max_per_person=Decimal("20.00"))
    for _ in range(4):
        record_dinner(member, "90.00")
    with assert_max_app_queries(2):
        response = api_client_for(manager).get(reverse("reports_api:policy-flag-list"))
    assert len(response.json()["results"]) == 4


def test_over_policy_report_lists_flagged_expenses(api_client_for, manager, member, team_a):
    MealPolicyFactory(team=team_a, meal_type="dinner", max_per_person=Decimal("20.00"))
    record_dinner(member, "90.00", party_size=3)
    response = api_client_for(manager).get(reverse("reports_api:report", args=["over-policy"]), {"scope": "team"})
    row = response.json()["rows"][0]
    assert (row["owner"], row["per_person"], row["over_by"]) == (member.email, "30.00", "10.00")
