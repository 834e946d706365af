"""The admin shows and reads times in the signed-in viewer's timezone, as the web pages do."""

import datetime
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.urls import reverse

from expenses.tests.factories import ExpenseFactory

pytestmark = pytest.mark.django_db

# 17:30 UTC on 10 March 2026 is 13:30 in New York (daylight time began on 8 March) and 02:30 the next day in Tokyo.
LUNCH_UTC = datetime.datetime(2026, 3, 10, 17, 30, tzinfo=datetime.UTC)


class FormAsShown(HTMLParser):
    """The values a browser would send back from the page's form, as the page shows them."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str | list[str]] = {}
        self._select = self._textarea = None
        self._multiple = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file", "checkbox", "radio"}:
            self.data[name] = attrs.get("value") or ""
        elif tag == "input" and name and attrs.get("type") in {"checkbox", "radio"} and "checked" in attrs:
            self.data[name] = attrs.get("value") or "on"
        elif tag == "select" and name:
            self._select, self._multiple = name, "multiple" in attrs
            if self._multiple:
                self.data[name] = []
        elif tag == "option" and self._select and "selected" in attrs:
            if self._multiple:
                self.data[self._select].append(attrs.get("value", ""))
            else:
                self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_as_shown(html: str) -> dict:
    parser = FormAsShown()
    parser.feed(html)
    return parser.data


@pytest.fixture
def new_york_admin(site_admin):
    site_admin.timezone = "America/New_York"
    site_admin.save(update_fields=["timezone"])
    return site_admin


def test_admin_sees_an_expenses_time_in_their_timezone_in_the_list(web_client_for, new_york_admin, member):
    ExpenseFactory(owner=member, occurred_at=LUNCH_UTC)

    response = web_client_for(new_york_admin).get(reverse("admin:expenses_expense_changelist"))

    assert response.status_code == HTTPStatus.OK
    assert "March 10, 2026, 1:30 p.m." in response.text
    assert "5:30 p.m." not in response.text


def test_admin_sees_an_expenses_time_in_their_timezone_on_its_form(web_client_for, new_york_admin, member):
    expense = ExpenseFactory(owner=member, occurred_at=LUNCH_UTC)

    response = web_client_for(new_york_admin).get(reverse("admin:expenses_expense_change", args=[expense.pk]))

    shown = form_as_shown(response.text)
    assert (shown["occurred_at_0"], shown["occurred_at_1"]) == ("2026-03-10", "13:30:00")
    assert "in your timezone (America/New_York)" in response.text


def test_the_local_day_follows_the_viewer(web_client_for, site_admin, member):
    site_admin.timezone = "Asia/Tokyo"
    site_admin.save(update_fields=["timezone"])
    ExpenseFactory(owner=member, occurred_at=LUNCH_UTC)

    response = web_client_for(site_admin).get(reverse("admin:expenses_expense_changelist"))

    assert "March 11, 2026, 2:30 a.m." in response.text


def test_a_time_typed_in_the_admin_is_read_in_the_viewers_timezone(web_client_for, new_york_admin, member):
    expense = ExpenseFactory(owner=member, occurred_at=LUNCH_UTC)
    client = web_client_for(new_york_admin)
    url = reverse("admin:expenses_expense_change", args=[expense.pk])
    data = form_as_shown(client.get(url).text)

    response = client.post(url, {**data, "occurred_at_1": "12:15:00", "_save": "Save"})

    assert response.status_code == HTTPStatus.FOUND, response.context and response.context["errors"]
    expense.refresh_from_db()
    assert expense.occurred_at == datetime.datetime(2026, 3, 10, 16, 15, tzinfo=datetime.UTC)
