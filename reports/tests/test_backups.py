import io
import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Team, User
from expenses import services
from expenses.models import ExchangeRate, Expense
from reports.tests.factories import BudgetFactory

MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
REPORTS = [
    ("summary", {}),
    ("totals", {"period": "day"}),
    ("breakdown", {"by": "category"}),
    ("breakdown", {"by": "tag"}),
    ("breakdown", {"by": "hour"}),
    ("top-restaurants", {"by": "visits"}),
    ("heatmap", {}),
]


IDS = {"key", "restaurant_id"}  # database ids change on restore; the figures must not


def all_reports(client) -> list:
    reports = [client.get(reverse("reports_api:report", args=[kind]), {**MARCH, **params}) for kind, params in REPORTS]
    return [[{k: v for k, v in row.items() if k not in IDS} for row in r.json()["rows"]] for r in reports]


def backup_of(email) -> dict:
    out = io.StringIO()
    call_command("export_user_data", email, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def business_meal(member, manager, march):
    expense = march["lunch"]
    services.expense_update(expense=expense, actor=member, is_business=True, business_purpose="Client lunch")
    expense.refresh_from_db()
    services.expense_submit(expense=expense, actor=member)
    return services.expense_approve(expense=expense, actor=manager, comment="Fine")


def test_backup_never_holds_a_password_hash(member, march):
    text = json.dumps(backup_of(member.email))
    assert member.password not in text
    assert "password" not in text


def test_backup_is_versioned_and_complete(member, march):
    BudgetFactory(user=member, amount=Decimal("250.00"))
    data = backup_of(member.email)
    assert (data["kind"], data["schema_version"], data["user"]["email"]) == ("mealtracker.user_backup", 4, member.email)
    assert (len(data["expenses"]), len(data["restaurants"]), len(data["budgets"])) == (5, 2, 1)
    assert data["expenses"][0]["tags"] == ["client"]


def test_restore_into_an_empty_database_reproduces_the_reports_to_the_cent(api_client_for, member, business_meal):
    BudgetFactory(user=member, amount=Decimal("250.00"))
    before = all_reports(api_client_for(member))
    data = backup_of(member.email)
    Expense.objects.all().delete()
    User.objects.all().delete()
    Team.objects.all().delete()
    ExchangeRate.objects.all().delete()

    restored = User.objects.get(pk=call_restore(data).pk)
    assert all_reports(api_client_for(restored)) == before
    assert restored.expenses.get(status="approved").approval_events.count() == 2
    assert not restored.has_usable_password()


def call_restore(data):
    from reports.services.backups import user_data_import

    return user_data_import(data)


def test_commands_write_and_read_a_backup_file(member, march, tmp_path):
    target = tmp_path / "member.json"
    call_command("export_user_data", member.email, "--output", str(target), stderr=io.StringIO())
    Expense.objects.filter(owner=member).delete()
    member.delete()
    out = io.StringIO()
    call_command("import_user_data", str(target), stdout=out)
    assert "Restored member@example.com with 5 expenses" in out.getvalue()


def test_restore_refuses_an_email_that_is_taken(member, march, tmp_path):
    target = tmp_path / "member.json"
    call_command("export_user_data", member.email, "--output", str(target), stderr=io.StringIO())
    with pytest.raises(CommandError, match="already has an account"):
        call_command("import_user_data", str(target))


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    target = tmp_path / "other.json"
    target.write_text('{"kind": "something else"}')
    with pytest.raises(CommandError, match="not a Meal Expense Tracker user backup"):
        call_command("import_user_data", str(target))


def test_download_my_data_holds_only_my_data(api_client_for, member, march):
    response = api_client_for(member).get(reverse("reports_api:export-my-data"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith('attachment; filename="my-meal-data-')
    data = response.json()
    assert data["user"]["email"] == member.email
    assert {e["amount"] for e in data["expenses"]} == {"30.00", "50.00", "12.00", "1000.00", "20.00"}


def test_download_my_data_needs_a_login(api_client_for):
    response = api_client_for().get(reverse("reports_api:export-my-data"))
    assert response.status_code in {HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN}
