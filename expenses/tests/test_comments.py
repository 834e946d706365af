import datetime
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import NotificationKind
from expenses import services
from expenses.models import Comment, Notification
from expenses.services.comments import comment_create
from expenses.tests.factories import ExpenseFactory
from mealtracker.errors import DomainError, NotAllowed

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.now() - datetime.timedelta(days=1)


def submitted_meal(member):
    expense = services.expense_create(
        owner=member, amount=Decimal("42.00"), occurred_at=YESTERDAY, is_business=True, business_purpose="Client"
    )
    return services.expense_submit(expense=expense, actor=member)


def comment_notifications(user):
    return Notification.objects.filter(recipient=user, kind=NotificationKind.COMMENT)


def test_the_approvers_comment_tells_the_owner(member, manager):
    expense = submitted_meal(member)
    comment_create(author=manager, expense=expense, body="Which client was this?")
    assert comment_notifications(member).get().body == "Which client was this?"
    assert not comment_notifications(manager).exists()


def test_the_owners_reply_reaches_the_approver_who_asked(member, manager):
    expense = submitted_meal(member)
    comment_create(author=manager, expense=expense, body="Which client?")
    comment_create(author=member, expense=expense, body="Globex, the renewal.")
    assert comment_notifications(manager).get().body == "Globex, the renewal."


def test_a_mention_notifies_a_colleague_who_may_see_the_meal(member, manager, site_admin):
    expense = submitted_meal(member)
    comment = comment_create(author=member, expense=expense, body="@admin can you check the rate?")
    assert list(comment.mentions.all()) == [site_admin]
    assert "mentioned you" in comment_notifications(site_admin).get().title


def test_a_mention_of_someone_who_cannot_see_the_meal_tells_nobody(member, outsider):
    expense = submitted_meal(member)
    comment = comment_create(author=member, expense=expense, body="@outsider@example.com look")
    assert not comment.mentions.exists()
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_an_empty_comment_is_refused_on_its_field(member):
    with pytest.raises(DomainError) as refused:
        comment_create(author=member, expense=ExpenseFactory(owner=member), body="   ")
    assert refused.value.field == "body"


def test_someone_who_cannot_see_the_meal_cannot_comment(member, outsider):
    with pytest.raises(NotAllowed):
        comment_create(author=outsider, expense=ExpenseFactory(owner=member), body="Hello")


def test_comments_through_the_api(api_client_for, member, manager, outsider):
    expense = submitted_meal(member)
    url = reverse("expenses_api:expense-comments", kwargs={"pk": expense.pk})
    created = api_client_for(manager).post(url, {"body": "Receipt please, @member"}, format="json")
    assert created.status_code == HTTPStatus.CREATED
    assert created.json()["mentions"] == [member.email]
    listed = api_client_for(member).get(url).json()
    assert [c["body"] for c in listed] == ["Receipt please, @member"]
    assert api_client_for(outsider).get(url).status_code == HTTPStatus.NOT_FOUND
    refused = api_client_for(member).post(url, {"body": ""}, format="json")
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "body" in refused.json()["errors"]


def test_comment_from_the_expense_page(web_client_for, member, manager):
    expense = submitted_meal(member)
    client = web_client_for(manager)
    response = client.post(reverse("expense_comment_add", args=[expense.pk]), {"body": "Looks fine"})
    assert response.status_code == HTTPStatus.FOUND
    page = client.get(reverse("expense_detail", args=[expense.pk])).content.decode()
    assert "Looks fine" in page
    assert Comment.objects.get().author == manager


def test_report_comments(member, manager):
    from expenses.services.expense_reports import report_create

    expense = services.expense_create(
        owner=member, amount=Decimal("42.00"), occurred_at=YESTERDAY, is_business=True, business_purpose="Client"
    )
    report = report_create(owner=member, title="March", expense_ids=[expense.pk])
    comment_create(author=manager, report=report, body="Add the taxi too?")
    assert comment_notifications(member).get().report == report


def test_report_of_someone_else_is_not_found_for_comments(api_client_for, member, outsider):
    from expenses.services.expense_reports import report_create

    report = report_create(owner=member, title="March")
    url = reverse("expenses_api:report-comments", kwargs={"pk": report.pk})
    assert api_client_for(outsider).post(url, {"body": "Hi"}, format="json").status_code == HTTPStatus.NOT_FOUND


def test_comment_from_the_report_page(web_client_for, member, manager):
    from expenses.services.expense_reports import report_create

    report = report_create(owner=member, title="March")
    client = web_client_for(member)
    response = client.post(reverse("report_comment_add", args=[report.pk]), {"body": "Ready for review, @manager"})
    assert response.status_code == HTTPStatus.FOUND
    assert "Ready for review" in client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert comment_notifications(manager).exists()
