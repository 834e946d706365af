"""Attendees and substantiation in the Django admin: written through the expense service, same rules as the API."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from expenses import services
from expenses.models import Expense

pytestmark = pytest.mark.django_db


def change_url(expense):
    return reverse("admin:expenses_expense_change", args=[expense.pk])


def dinner(owner, **fields):
    when = timezone.now() - datetime.timedelta(days=1)
    return services.expense_create(owner=owner, amount=Decimal("90.00"), occurred_at=when, **fields)


def form_data(response) -> dict:
    """The change form as the page shows it, inlines included, ready to post back."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        data[name] = value.strftime("%Y-%m-%d") if hasattr(value, "strftime") and name != "occurred_at" else value
    moment = form.initial["occurred_at"]
    data["occurred_at_0"], data["occurred_at_1"] = moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M:%S")
    data.pop("occurred_at", None)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        prefix = formset.prefix
        counts = {"TOTAL_FORMS": len(formset.forms), "INITIAL_FORMS": formset.initial_form_count(),
                  "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}  # fmt: skip
        data.update({f"{prefix}-{key}": value for key, value in counts.items()})
        for index, inline_form in enumerate(formset.forms):
            if inline_form.instance.pk:
                data[f"{prefix}-{index}-id"] = inline_form.instance.pk
            for name in inline_form.fields:
                value = inline_form.initial.get(name)
                if value not in (None, ""):
                    data[f"{prefix}-{index}-{name}"] = value.pk if hasattr(value, "pk") else value
    return data


def test_an_admin_adds_a_guest_through_the_inline(web_client_for, site_admin, member):
    expense = dinner(member)
    client = web_client_for(site_admin)
    data = form_data(client.get(change_url(expense)))
    data.update({"attendees-0-name": "Ann Lee", "attendees-0-company": "ACME", "attendees-0-relationship": "client"})

    client.post(change_url(expense), data)

    expense = Expense.objects.get(pk=expense.pk)
    assert list(expense.attendees.values_list("name", "company", "relationship")) == [("Ann Lee", "ACME", "client")]
    assert expense.party_size == 2


def test_an_admin_cannot_name_a_colleague_of_another_team(web_client_for, site_admin, member, outsider):
    expense = dinner(member)
    client = web_client_for(site_admin)
    data = form_data(client.get(change_url(expense)))
    data["attendees-0-user"] = outsider.pk

    response = client.post(change_url(expense), data, follow=True)

    assert not Expense.objects.get(pk=expense.pk).attendees.exists()
    assert response.status_code == 200


def test_a_party_smaller_than_the_attendees_is_not_saved(web_client_for, site_admin, member):
    expense = dinner(member, attendees=["Ann", "Bo"])
    client = web_client_for(site_admin)
    data = form_data(client.get(change_url(expense)))
    data["party_size"] = 1

    response = client.post(change_url(expense), data, follow=True)

    assert Expense.objects.get(pk=expense.pk).party_size == 3
    assert "Not saved" in response.content.decode()


def test_the_manager_sees_the_guests_and_what_is_missing(web_client_for, manager, member):
    expense = dinner(member, attendees=[{"name": "Ann Lee", "company": "ACME"}], party_size=3, is_business=True)

    page = web_client_for(manager).get(change_url(expense)).content.decode()

    assert "Ann Lee" in page
    assert "Who: name the 1 other person at the table." in page
