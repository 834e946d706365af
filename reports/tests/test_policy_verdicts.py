"""A meal's policy flag always equals the policy's verdict on the meal as it stands, whichever path changed it.

Every write path (web form, API, Django admin, guided import, backup restore, bulk create) crossed with every
change a verdict depends on (amount, tax, tip, party size, meal type, business flag, currency, the team's
policy). Team A limits lunch to 20.00 USD per attendee on the subtotal; EUR is worth 0.50 USD that day.
"""

import datetime
import io
import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from expenses import services
from expenses.models import Expense, MealPolicy, PolicyFlag
from expenses.services.expenses import expenses_create_many
from expenses.tests.factories import ExchangeRateFactory
from reports.services.backups import user_data_import
from reports.services.imports import import_batch_apply, import_batch_create
from reports.tests.factories import MealPolicyFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 2)
LUNCH_AT = "2026-03-02T12:30"
OVER_LUNCH = {"amount": "60.00", "party_size": 2, "meal_type": "lunch", "is_business": True}  # 30.00 each

# (change, values before, values after, over the policy before, over after) -- hand-computed per attendee.
CHANGES = [
    ("amount", {**OVER_LUNCH, "amount": "30.00"}, {"amount": "50.00"}, False, True),  # 15.00 -> 25.00
    ("tax", OVER_LUNCH, {"tax": "20.00"}, True, False),  # 30.00 -> (60 - 20) / 2 = 20.00, at the limit
    ("tip", OVER_LUNCH, {"tip": "22.00"}, True, False),  # 30.00 -> 19.00
    ("party_size", OVER_LUNCH, {"party_size": 10}, True, False),  # 30.00 -> 6.00
    ("meal_type", OVER_LUNCH, {"meal_type": "dinner"}, True, False),  # no dinner policy
    ("is_business", {**OVER_LUNCH, "is_business": False}, {"is_business": True}, False, True),  # personal meals
    ("currency", OVER_LUNCH, {"currency": "EUR"}, True, False),  # 60 EUR = 30.00 USD -> 15.00
]


@pytest.fixture(autouse=True)
def lunch_policy(team_a):
    ExchangeRateFactory(currency="EUR", date=DAY, rate=Decimal("0.5"))
    return MealPolicyFactory(team=team_a, meal_type="lunch", max_per_person=Decimal("20.00"))


def full(values: dict) -> dict:
    """Every field a path needs, in the form a person types it."""
    return {"tax": "0.00", "tip": "0.00", "currency": "USD", "business_purpose": "Client lunch", **values}


def record(owner, values: dict) -> Expense:
    values = full(values)
    return services.expense_create(
        owner=owner, occurred_at=datetime.datetime.fromisoformat(LUNCH_AT), amount=Decimal(values.pop("amount")),
        tax=Decimal(values.pop("tax")), tip=Decimal(values.pop("tip")), **values,
    )  # fmt: skip


def flagged(expense: Expense) -> bool:
    return PolicyFlag.objects.filter(expense_id=expense.pk).exists()


# --- the paths that change an existing meal ---------------------------------------------------------------


def change_on_web(client_for, owner, expense, after):
    values = full({**_current(expense), **after})
    form = {**values, "occurred_at": LUNCH_AT, "order_type": "dine_in", "version": expense.version}
    if not values["is_business"]:
        form.pop("is_business")
    response = client_for(owner).post(reverse("expense_edit", args=[expense.pk]), form)
    assert response.status_code == HTTPStatus.FOUND, response.context and response.context["form"].errors


def change_by_api(client_for, owner, expense, after):
    response = client_for(owner).patch(
        reverse("expenses_api:expense-detail", args=[expense.pk]), {**after}, format="json"
    )
    assert response.status_code == HTTPStatus.OK, response.json()


def change_in_admin(client_for, admin, expense, after):
    values = full({**_current(expense), **after})
    moment = expense.occurred_at.astimezone(admin.tzinfo)
    form = {
        **values, "order_type": "dine_in", "occurred_at_0": moment.date().isoformat(),
        "occurred_at_1": moment.strftime("%H:%M:%S"), "restaurant": "", "category": "", "cleared_on": "",
        "payment_method": "", "notes": "", "fees": "0.00",
    }  # fmt: skip
    if not values["is_business"]:
        form.pop("is_business")
    for prefix in ("attendees", "receipts", "approval_events"):
        form.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client_for(admin).post(reverse("admin:expenses_expense_change", args=[expense.pk]), form)
    assert response.status_code == HTTPStatus.FOUND
    assert not [m.message for m in response.wsgi_request._messages if "Not saved" in m.message]


def _current(expense: Expense) -> dict:
    expense.refresh_from_db()
    return {"amount": str(expense.amount), "tax": str(expense.tax), "tip": str(expense.tip),
            "party_size": expense.party_size, "meal_type": expense.meal_type, "is_business": expense.is_business,
            "currency": expense.currency}  # fmt: skip


EDIT_PATHS = {"web": change_on_web, "api": change_by_api, "admin": change_in_admin}


@pytest.mark.parametrize("path", EDIT_PATHS)
@pytest.mark.parametrize(
    ("change", "before", "after", "over_before", "over_after"), CHANGES, ids=[c[0] for c in CHANGES]
)
def test_an_edit_on_any_surface_leaves_the_flag_equal_to_the_verdict(
    path, change, before, after, over_before, over_after, member, site_admin, web_client_for, api_client_for
):
    site_admin.timezone = "UTC"
    site_admin.save()
    expense = record(member, before)
    assert flagged(expense) is over_before
    actor = site_admin if path == "admin" else member
    client_for = api_client_for if path == "api" else web_client_for
    EDIT_PATHS[path](client_for, actor, expense, after)
    assert flagged(expense) is over_after


# --- the paths that write new meals -----------------------------------------------------------------------


def by_import(owner, values: dict) -> Expense:
    values = full(values)
    header = "date,time,amount,tax,tip,currency,meal_type,party_size,business_meal,purpose"
    row = (f"2026-03-02,12:30,{values['amount']},{values['tax']},{values['tip']},{values['currency']},"
           f"{values['meal_type']},{values['party_size']},{'yes' if values['is_business'] else 'no'},"
           f"{values['business_purpose'] if values['is_business'] else ''}")  # fmt: skip
    batch = import_batch_create(owner=owner, filename="meals.csv", payload=f"{header}\n{row}\n".encode())
    assert import_batch_apply(batch=batch, actor=owner)["created"] == 1
    return Expense.objects.get(owner=owner)


def by_restore(owner, values: dict) -> Expense:
    record(owner, values)
    return Expense.objects.get(owner=restored_copy_of(owner))


def restored_copy_of(owner) -> User:
    out = io.StringIO()
    call_command("export_user_data", owner.email, stdout=out)
    backup = json.loads(out.getvalue())
    backup["user"]["email"] = "restored@example.com"
    restored = user_data_import(backup)
    assert restored.team_id == owner.team_id
    return restored


def in_bulk(owner, values: dict) -> Expense:
    values = full(values)
    draft = {**values, "occurred_at": datetime.datetime.fromisoformat(LUNCH_AT)}
    draft.update({name: Decimal(draft[name]) for name in ("amount", "tax", "tip")})
    return expenses_create_many(owner=owner, drafts=[draft])[0]


CREATE_PATHS = {"import": by_import, "restore": by_restore, "bulk": in_bulk}


@pytest.mark.parametrize("path", CREATE_PATHS)
@pytest.mark.parametrize(
    ("change", "before", "after", "over_before", "over_after"), CHANGES, ids=[c[0] for c in CHANGES]
)
def test_a_meal_written_by_any_bulk_path_carries_the_verdict(
    path, change, before, after, over_before, over_after, member
):
    expense = CREATE_PATHS[path](member, {**before, **after})
    assert flagged(expense) is over_after


def test_restore_keeps_every_flag_of_a_team(member, team_a):
    for amount in ("60.00", "30.00", "90.00", "70.00"):
        record(member, {**OVER_LUNCH, "amount": amount})
    restored = restored_copy_of(member)
    flags = PolicyFlag.objects.filter(expense__owner=restored).order_by("per_person")
    assert [flag.per_person for flag in flags] == [Decimal("30.00"), Decimal("35.00"), Decimal("45.00")]


# --- the team's policy changes ----------------------------------------------------------------------------


def policy_by_api(client_for, manager, admin, team, limit):
    response = client_for(manager).post(
        reverse("reports_api:meal-policy-list"),
        {"team": team.pk, "meal_type": "lunch", "max_per_person": limit},
        format="json",
    )
    assert response.status_code == HTTPStatus.CREATED


def policy_in_admin(client_for, manager, admin, team, limit):
    policy = MealPolicy.objects.get(team=team, meal_type="lunch")
    response = client_for(admin).post(
        reverse("admin:expenses_mealpolicy_change", args=[policy.pk]),
        {"team": team.pk, "meal_type": "lunch", "max_per_person": limit, "currency": "USD", "basis": "subtotal"},
    )
    assert response.status_code == HTTPStatus.FOUND


POLICY_PATHS = {"api": (policy_by_api, "api"), "admin": (policy_in_admin, "web")}


@pytest.mark.parametrize("path", POLICY_PATHS)
def test_changing_the_policy_rejudges_the_teams_meals(
    path, member, teammate, manager, site_admin, team_a, api_client_for, web_client_for
):
    over = record(member, OVER_LUNCH)  # 30.00 each
    within = record(teammate, {**OVER_LUNCH, "amount": "30.00"})  # 15.00 each
    change, client = POLICY_PATHS[path]
    client_for = api_client_for if client == "api" else web_client_for
    change(client_for, manager, site_admin, team_a, "40.00")
    assert (flagged(over), flagged(within)) == (False, False)
    change(client_for, manager, site_admin, team_a, "10.00")
    assert (flagged(over), flagged(within)) == (True, True)
    assert PolicyFlag.objects.get(expense=over).over_by == Decimal("20.00")


def test_deleting_the_policy_clears_its_flags(member, manager, api_client_for, lunch_policy):
    expense = record(member, OVER_LUNCH)
    response = api_client_for(manager).delete(reverse("reports_api:meal-policy-detail", args=[lunch_policy.pk]))
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not flagged(expense)


def test_submitting_judges_the_figures_being_submitted(member, lunch_policy):
    expense = record(member, OVER_LUNCH)
    MealPolicy.objects.filter(pk=lunch_policy.pk).update(max_per_person=Decimal("50.00"))  # e.g. a bulk SQL fix
    services.expense_submit(expense=expense, actor=member)
    assert not flagged(expense)


def test_the_reported_scenario_ten_dollar_lunch_patched_to_a_business_meal_is_flagged(member, api_client_for):
    expense = record(member, {"amount": "10.00", "party_size": 1, "meal_type": "lunch", "is_business": False})
    client = api_client_for(member)
    detail = reverse("expenses_api:expense-detail", args=[expense.pk])
    patched = client.patch(
        detail, {"is_business": True, "business_purpose": "Client", "amount": "300.00"}, format="json"
    )
    assert patched.status_code == HTTPStatus.OK
    assert client.post(reverse("expenses_api:expense-submit", args=[expense.pk])).status_code == HTTPStatus.OK
    flag = PolicyFlag.objects.get(expense=expense)
    assert (flag.basis, flag.per_person, flag.over_by) == ("subtotal", Decimal("300.00"), Decimal("280.00"))
    report = client.get(reverse("reports_api:report", args=["over-policy"]))
    assert [row["per_person"] for row in report.json()["rows"]] == ["300.00"]


# --- the figures ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basis", "limit", "per_attendee", "over_by"),
    [
        ("subtotal", "20.00", "18.00", None),  # (50 - 6 - 8) / 2
        ("total", "20.00", "25.00", "5.00"),  # 50 / 2
        ("subtotal", "17.99", "18.00", "0.01"),
    ],
)
def test_per_attendee_cost_on_each_basis_by_hand(member, lunch_policy, basis, limit, per_attendee, over_by):
    MealPolicy.objects.filter(pk=lunch_policy.pk).update(basis=basis, max_per_person=Decimal(limit))
    expense = record(member, {**OVER_LUNCH, "amount": "50.00", "tax": "6.00", "tip": "8.00"})
    flag = PolicyFlag.objects.filter(expense=expense).first()
    if over_by is None:
        assert flag is None
    else:
        assert (flag.basis, flag.per_person, flag.over_by) == (basis, Decimal(per_attendee), Decimal(over_by))


def test_foreign_subtotal_is_converted_at_the_meals_rate(member):
    # 100 EUR with 10 tax and 10 tip at 0.50: 40.00 USD subtotal for two, 20.00 each: at the limit, not over.
    expense = record(member, {**OVER_LUNCH, "amount": "100.00", "tax": "10.00", "tip": "10.00", "currency": "EUR"})
    assert not flagged(expense)
    services.expense_update(expense=expense, actor=member, tip=Decimal("9.98"))
    assert PolicyFlag.objects.get(expense=expense).per_person == Decimal("20.01")


def test_the_api_shows_the_current_verdict_on_the_flag_list(member, manager, api_client_for):
    expense = record(member, OVER_LUNCH)
    services.expense_update(expense=expense, actor=member, party_size=3)  # 20.00 each: within
    assert api_client_for(manager).get(reverse("reports_api:policy-flag-list")).json()["results"] == []
    services.expense_update(expense=Expense.objects.get(pk=expense.pk), actor=member, party_size=1)
    [row] = api_client_for(manager).get(reverse("reports_api:policy-flag-list")).json()["results"]
    assert (row["expense"], row["basis"], row["per_person"], row["over_by"]) == (
        expense.pk, "subtotal", "60.00", "40.00"
    )  # fmt: skip


def test_a_limit_with_too_many_decimals_is_refused_not_rounded(manager, team_a, api_client_for):
    response = api_client_for(manager).post(
        reverse("reports_api:meal-policy-list"),
        {"team": team_a.pk, "meal_type": "dinner", "max_per_person": "30.005"},
        format="json",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "max_per_person" in response.json()["errors"]
    assert not MealPolicy.objects.filter(team=team_a, meal_type="dinner").exists()
