"""The month calendar marks the user's today (in their timezone)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_calendar_marks_today_in_the_users_timezone(member, web_client_for):
    member.timezone = "Pacific/Kiritimati"  # UTC+14: often a day ahead of the server
    member.save(update_fields=["timezone"])
    today = timezone.now().astimezone(ZoneInfo("Pacific/Kiritimati")).date()

    page = web_client_for(member).get(reverse("expense_calendar")).content.decode()

    assert page.count('aria-current="date"') == 1
    marked = page.split('aria-current="date"', 1)[1].split("</span>", 1)[0]
    assert f">{today.day}<" in marked


def test_another_month_marks_no_day(member, web_client_for):
    page = web_client_for(member).get(reverse("expense_calendar"), {"month": "2001-02"}).content.decode()

    assert 'aria-current="date"' not in page
    assert datetime.date(2001, 2, 1).strftime("%B %Y") in page
