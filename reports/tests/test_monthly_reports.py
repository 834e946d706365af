import datetime
from decimal import Decimal

import pytest
from django.core import mail

from expenses.tests.factories import ExpenseFactory
from reports.services.monthly import monthly_reports_send

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=datetime.UTC)


def test_monthly_summary_reports_last_months_spend_once(member, teammate):
    ExpenseFactory(owner=member, amount=Decimal("30.00"), reporting_amount=Decimal("30.00"),
                   occurred_at=datetime.datetime(2026, 10, 5, 12, tzinfo=datetime.UTC))  # fmt: skip
    ExpenseFactory(owner=member, amount=Decimal("12.50"), reporting_amount=Decimal("12.50"),
                   occurred_at=datetime.datetime(2026, 10, 20, 19, tzinfo=datetime.UTC))  # fmt: skip
    ExpenseFactory(owner=teammate, occurred_at=datetime.datetime(2026, 9, 20, 19, tzinfo=datetime.UTC))
    assert monthly_reports_send(now=NOW) == 1
    assert monthly_reports_send(now=NOW) == 0
    (message,) = mail.outbox
    assert message.to == ["member@example.com"]
    assert message.subject == "Your meals in October 2026"
    assert "$42.50 over 2 visit(s)" in message.body


def test_a_meal_on_the_last_evening_counts_in_the_users_own_month(member):
    member.timezone = "America/Los_Angeles"
    member.save()
    # 1 Nov 03:00 UTC is still 31 October in Los Angeles.
    ExpenseFactory(owner=member, occurred_at=datetime.datetime(2026, 11, 1, 3, tzinfo=datetime.UTC))
    assert monthly_reports_send(now=datetime.datetime(2026, 11, 1, 16, tzinfo=datetime.UTC)) == 1
    assert "October 2026" in mail.outbox[0].subject
