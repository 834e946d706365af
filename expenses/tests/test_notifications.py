import datetime
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import NotificationKind, NotificationPreferences
from expenses import services
from expenses.models import EmailState, Notification
from expenses.services.events import publish
from expenses.services.notifications import unsubscribe_token, unsubscribe_url

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.now() - datetime.timedelta(days=1)


def business_meal(owner):
    return services.expense_create(
        owner=owner, amount=Decimal("42.00"), occurred_at=YESTERDAY, is_business=True, business_purpose="Client"
    )


def kinds_of(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_submitting_tells_the_team_managers_not_the_owner(member, manager, other_manager):
    services.expense_submit(expense=business_meal(member), actor=member)
    assert kinds_of(manager) == [NotificationKind.SUBMITTED]
    assert kinds_of(member) == []
    assert kinds_of(other_manager) == []


def test_approval_tells_the_owner(member, manager, django_capture_on_commit_callbacks):
    expense = business_meal(member)
    services.expense_submit(expense=expense, actor=member)
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_approve(expense=expense, actor=manager)
    notification = Notification.objects.get(recipient=member)
    assert notification.kind == NotificationKind.APPROVED
    assert "approved" in notification.title


def test_a_notification_names_the_amount_as_pages_do_and_the_meals_own_day(member, manager):
    member.timezone = "America/New_York"
    member.save(update_fields=["timezone"])
    late_dinner = datetime.datetime(2026, 3, 3, 3, 30, tzinfo=datetime.UTC)  # 22:30 on 2 March in New York
    expense = services.expense_create(owner=member, amount=Decimal("212.80"), occurred_at=late_dinner,
                                      is_business=True, business_purpose="Client")  # fmt: skip

    services.expense_submit(expense=expense, actor=member)

    title = Notification.objects.get(recipient=manager).title
    assert "$212.80" in title
    assert "on 2 Mar 2026" in title


def test_rejection_tells_the_owner_the_reason(member, manager, django_capture_on_commit_callbacks):
    expense = business_meal(member)
    services.expense_submit(expense=expense, actor=member)
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_reject(expense=expense, actor=manager, comment="No receipt attached")
    notification = Notification.objects.get(recipient=member)
    assert notification.kind == NotificationKind.REJECTED
    assert "No receipt attached" in notification.body
    assert any("No receipt attached" in message.body for message in mail.outbox)


def test_reimbursement_tells_the_owner(member, manager, site_admin, django_capture_on_commit_callbacks):
    expense = business_meal(member)
    services.expense_submit(expense=expense, actor=member)
    services.expense_approve(expense=expense, actor=manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_reimburse(expense=expense, actor=site_admin)
    assert NotificationKind.REIMBURSED in kinds_of(member)


def test_reminder_goes_to_the_named_approver(member, manager):
    expense = business_meal(member)
    publish("approval.reminder", recipient=manager, expenses=[expense], days=3)
    notification = Notification.objects.get(recipient=manager)
    assert (notification.kind, notification.title) == (
        NotificationKind.REMINDER,
        "1 meal waiting for your decision for more than 3 days",
    )


def test_budget_alert_goes_to_its_recipients(member):
    publish("budget.alert", recipients=[member], reason="Your monthly budget is used up.")
    assert Notification.objects.get(recipient=member).body == "Your monthly budget is used up."


def test_instant_email_is_sent_after_the_commit_with_an_unsubscribe_link(
    member, manager, django_capture_on_commit_callbacks
):
    expense = business_meal(member)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.expense_submit(expense=expense, actor=member)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [[manager.email]]
    assert "/notifications/unsubscribe/" in mail.outbox[0].body


def test_a_muted_kind_is_shown_but_not_emailed(member, manager, django_capture_on_commit_callbacks):
    NotificationPreferences.objects.create(user=manager, muted_kinds=[NotificationKind.SUBMITTED])
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_submit(expense=business_meal(member), actor=member)
    assert Notification.objects.get(recipient=manager).email_state == EmailState.NONE
    assert mail.outbox == []


def test_digest_users_get_one_daily_email(member, manager, django_capture_on_commit_callbacks):
    NotificationPreferences.objects.create(user=manager, delivery="digest")
    with django_capture_on_commit_callbacks(execute=True):
        services.expense_submit(expense=business_meal(member), actor=member)
        services.expense_submit(expense=business_meal(member), actor=member)
    assert mail.outbox == []
    call_command("send_notification_digests")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.endswith("2 notifications")
    call_command("send_notification_digests")
    assert len(mail.outbox) == 1  # nothing is sent twice
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SENT}


def test_unsubscribe_link_works_without_signing_in(client, member):
    url = reverse("notifications_unsubscribe", args=[unsubscribe_token(member, NotificationKind.COMMENT)])
    assert client.get(url).status_code == HTTPStatus.OK
    assert NotificationPreferences.objects.filter(user=member).count() == 0  # asking changes nothing
    response = client.post(url)
    assert response.status_code == HTTPStatus.OK
    assert member.notification_prefs.muted_kinds == [NotificationKind.COMMENT]


def test_unsubscribe_from_everything(client, member):
    client.post(re.sub(r"^https?://[^/]+", "", unsubscribe_url(member)))
    member.refresh_from_db()
    assert sorted(member.notification_prefs.muted_kinds) == sorted(NotificationKind.values)


def test_a_tampered_unsubscribe_token_is_not_found(client, member):
    token = unsubscribe_token(member)
    response = client.post(reverse("notifications_unsubscribe", args=[token[:-2] + "xx"]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_bell_counts_unread_without_a_query_of_its_own(
    member, manager, other_manager, web_client_for, django_assert_max_num_queries
):
    services.expense_submit(expense=business_meal(member), actor=member)
    quiet, notified = web_client_for(other_manager), web_client_for(manager)
    with django_assert_max_num_queries(20) as without:
        page = quiet.get(reverse("restaurant_list"))
    assert 'data-testid="notification-count"' not in page.content.decode()
    with django_assert_max_num_queries(len(without.captured_queries)):
        page = notified.get(reverse("restaurant_list"))
    assert 'data-testid="notification-count">1<' in page.content.decode()


def test_notification_list_and_mark_read(member, manager, web_client_for, django_assert_max_num_queries):
    for _ in range(3):
        services.expense_submit(expense=business_meal(member), actor=member)
    client = web_client_for(manager)
    with django_assert_max_num_queries(8):  # a manager's page: session, user, approvals count, the page, the recount
        page = client.get(reverse("notification_list"))
    assert page.status_code == HTTPStatus.OK
    assert page.content.decode().count("list-group-item-primary") == 3
    first = Notification.objects.filter(recipient=manager).first()
    response = client.post(reverse("notification_open", args=[first.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == first.link
    manager.refresh_from_db()
    assert manager.unread_notifications == 2
    client.post(reverse("notifications_read_all"))
    manager.refresh_from_db()
    assert manager.unread_notifications == 0
    assert not Notification.objects.filter(recipient=manager, read_at__isnull=True).exists()


def test_someone_elses_notification_is_not_found(member, manager, web_client_for):
    services.expense_submit(expense=business_meal(member), actor=member)
    theirs = Notification.objects.get(recipient=manager)
    response = web_client_for(member).post(reverse("notification_open", args=[theirs.pk]))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_preferences_page_saves_choices(member, web_client_for):
    client = web_client_for(member)
    assert client.get(reverse("notification_preferences")).status_code == HTTPStatus.OK
    response = client.post(
        reverse("notification_preferences"), {"emailed": [NotificationKind.APPROVED], "delivery": "digest"}
    )
    assert response.status_code == HTTPStatus.FOUND
    prefs = NotificationPreferences.objects.get(user=member)
    assert prefs.delivery == "digest"
    assert NotificationKind.APPROVED not in prefs.muted_kinds
    assert NotificationKind.REJECTED in prefs.muted_kinds


def test_a_budget_alert_is_under_the_bell_and_mailed_once(member, django_capture_on_commit_callbacks):
    from reports.services.budgets import budget_alerts_send
    from reports.tests.factories import BudgetFactory

    BudgetFactory(user=member, amount=Decimal("10.00"))
    services.expense_create(owner=member, amount=Decimal("42.00"), occurred_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        budget_alerts_send()
    notification = Notification.objects.get(recipient=member)
    assert notification.kind == NotificationKind.BUDGET_ALERT
    assert "used up" in notification.body
    assert len(mail.outbox) == 1
