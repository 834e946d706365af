"""Product events: the one place a change is announced. Each event becomes in-app notifications for the people who
should hear of it, e-mails (by their preferences, once the change is committed) and webhook deliveries.

Events: expense.created/updated/submitted/approved/rejected/reimbursed, report.created/submitted/approved/
partly_approved/rejected/reimbursed, batch.paid, comment.created, reminder, budget.alert, and
expense.awaiting_finance / report.awaiting_finance (a manager's approval left meals for finance's approval)."""

import logging
import uuid
from collections.abc import Iterable

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import NotificationKind, Role, User
from accounts.realtime import push
from accounts.selectors import delegated_manager_for
from expenses.choices import ExpenseStatus
from expenses.models import ApprovalEvent, Comment, Expense, ExpenseReport, ReimbursementBatch
from expenses.services.notifications import NotificationDraft, notifications_record
from expenses.services.webhooks import (
    WEBHOOK_EVENTS,
    webhook_deliveries_queue,
    webhook_deliveries_queue_many,
    webhook_endpoints_for,
)
from mealtracker.money import format_money

logger = logging.getLogger(__name__)

OWNER_KINDS = {
    "approved": NotificationKind.APPROVED,
    "partly_approved": NotificationKind.APPROVED,
    "rejected": NotificationKind.REJECTED,
    "reimbursed": NotificationKind.REIMBURSED,
}
# Names published by the workflow services that mean one of ours.
ALIASES = {"approval.reminder": "reminder"}
# In-app and e-mail only: no webhook event of their own (expense.approved follows finance's decision).
FINANCE_EVENTS = {"expense.awaiting_finance", "report.awaiting_finance"}
EVENTS = frozenset(WEBHOOK_EVENTS | {"comment.created", "reminder", "budget.alert"} | FINANCE_EVENTS)


def publish(
    event: str,
    *,
    actor: User | None = None,
    expense: Expense | None = None,
    report: ExpenseReport | None = None,
    batch: ReimbursementBatch | None = None,
    reason: str = "",
    comment: Comment | None = None,
    recipient: User | None = None,
    recipients: Iterable[User] = (),
    expenses: Iterable[Expense] = (),
    **details,
) -> None:
    """Announce `event`: notifications now (in the caller's transaction), e-mails and webhooks after the commit.

    `reason` is the rejection reason or the alert's message; `recipient(s)` name who hears of a reminder or a budget
    alert; `comment` is the comment of comment.created; `expenses` and `details` (e.g. days) describe a reminder."""
    event = ALIASES.get(event, event)
    if event not in EVENTS:
        logger.warning("Unknown product event %s not published", event)
        return
    people = list(recipients) + ([recipient] if recipient else [])
    drafts = _notifications_for(
        event, actor=actor, expense=expense, report=report, reason=reason, comment=comment, people=people,
        expenses=list(expenses), details=details,
    )  # fmt: skip
    notifications_record(drafts, actor=actor, expense=expense, report=report)
    _push_live(event, expense=expense, report=report, drafts=drafts)
    if event in WEBHOOK_EVENTS:
        payload = event_payload(event, actor=actor, expense=expense, report=report, batch=batch, reason=reason)
        payload["comment"] = _comment_data(comment) if comment else None
        webhook_deliveries_queue(event=event, payload=payload)


# Verbs that add to or take from approvers' queues.
QUEUE_VERBS = {"submitted", "approved", "partly_approved", "rejected"}


def _push_live(event: str, *, expense, report, drafts: list[NotificationDraft]) -> None:
    """Tell the open pages concerned, once committed: whoever was notified (their bell), the owner (the status) and
    the owner's approvers when their queue changed. The event names what moved; pages re-read it over HTTP."""
    people = {draft.recipient.pk for draft in drafts}
    subject = expense if expense is not None else report
    if subject is not None:
        people.add(subject.owner_id)
        if event.partition(".")[2] in QUEUE_VERBS:
            people.update(person.pk for person in approvers_of(subject.owner))
    if not people:
        return
    live = {
        "event": event,
        "expense": expense.pk if expense is not None else None,
        "report": report.pk if report is not None else None,
        "status": subject.status if subject is not None else None,
    }
    transaction.on_commit(lambda: push(people, live))


def publish_many(event: str, *, actor: User | None, expenses: Iterable[Expense]) -> None:
    """Webhooks for many expenses written at once (imports, restores): the endpoints are read once, and the
    payloads built only when an endpoint is subscribed (10,000 of them cost 0.1 s)."""
    expenses = list(expenses)
    if not expenses or event not in WEBHOOK_EVENTS:
        return
    endpoints = webhook_endpoints_for(event)
    if endpoints:
        payloads = [event_payload(event, actor=actor, expense=expense) for expense in expenses]
        webhook_deliveries_queue_many(event=event, payloads=payloads, endpoints=endpoints)


def event_payload(event: str, *, actor=None, expense=None, report=None, batch=None, reason: str = "") -> dict:
    """The JSON body webhooks receive (docs/webhooks.md): an id, the event, when, who, and the objects concerned."""
    return {
        "id": str(uuid.uuid4()),
        "event": event,
        "created_at": timezone.now().isoformat(),
        "actor": {"id": actor.pk, "email": actor.email} if actor else None,
        "expense": _expense_data(expense) if expense else None,
        "report": _report_data(report) if report else None,
        "batch": _batch_data(batch) if batch else None,
        "reason": reason,
    }


def _expense_data(expense: Expense) -> dict:
    return {
        "id": expense.pk,
        "owner_id": expense.owner_id,
        "status": expense.status,
        "occurred_at": expense.occurred_at.isoformat() if expense.occurred_at else None,
        "amount": str(expense.amount),
        "currency": expense.currency,
        "reporting_amount": str(expense.reporting_amount),
        "is_business": expense.is_business,
        "report_id": expense.report_id,
        "batch_id": expense.batch_id,
        "version": expense.version,
    }


def _report_data(report: ExpenseReport) -> dict:
    return {"id": report.pk, "owner_id": report.owner_id, "title": report.title, "status": report.status}


def _batch_data(batch: ReimbursementBatch) -> dict:
    return {
        "id": batch.pk,
        "reference": batch.reference,
        "payout_date": batch.payout_date.isoformat() if batch.payout_date else None,
        "status": batch.status,
        "expense_ids": list(batch.expenses.order_by("id").values_list("id", flat=True)),
    }


def _comment_data(comment: Comment) -> dict:
    return {"id": comment.pk, "author_id": comment.author_id, "body": comment.body}


def approvers_of(owner: User) -> list[User]:
    """Who decides a member's submitted meals: the team's active managers (a delegate while one is away)."""
    if owner.team_id is None:
        return []
    people = []
    for manager in owner.team.managers.filter(is_active=True).order_by("id"):
        stand_in = delegated_manager_for(manager, owner)
        people.append(manager)
        if stand_in is not None and stand_in.pk != manager.pk:
            people.append(stand_in)
    return [person for person in people if person.pk != owner.pk]


def finance_approvers(*, excluding: Iterable[int | None] = ()) -> list[User]:
    """Who decides second approvals: every active finance user (one organisation per installation), less those
    named (the owner, who never approves their own meal, and the first approver, who never approves twice)."""
    people = User.objects.filter(role=Role.FINANCE, is_active=True).exclude(pk__in=[pk for pk in excluding if pk])
    return list(people.order_by("id"))


def _expense_link(expense: Expense) -> str:
    return reverse("expense_detail", args=[expense.pk])


def _report_link(report: ExpenseReport) -> str:
    try:
        return reverse("report_detail", args=[report.pk])
    except NoReverseMatch:
        return ""


def _describe(expense: Expense) -> str:
    """ "$212.80 at Blue Bottle Coffee on 3 Nov 2026": the amount as pages show it, the meal's day in its owner's
    time zone (a late dinner in New York is not the next day's)."""
    where = f" at {expense.restaurant.name}" if expense.restaurant_id and expense.restaurant else ""
    day = expense.occurred_at.astimezone(expense.owner.tzinfo)
    return f"{format_money(expense.amount, expense.currency)}{where} on {day.day} {day:%b %Y}"


def _last_reason(expense: Expense) -> str:
    event = ApprovalEvent.objects.filter(expense=expense, to_status=ExpenseStatus.REJECTED).order_by("-id").first()
    return event.comment if event else ""


def _notifications_for(event, *, actor, expense, report, reason, comment, people, expenses, details):
    who = str(actor) if actor else "Someone"
    subject, _, verb = event.partition(".")
    if event == "reminder":
        count = len(expenses)
        days = details.get("days")
        body = "\n".join(_describe(e) for e in expenses[:20])
        title = f"{count} meal{'s' if count != 1 else ''} waiting for your decision" + (
            f" for more than {days} days" if days else ""
        )
        link = reverse("approval_queue")
        return [NotificationDraft(p, NotificationKind.REMINDER, title, body, link) for p in people]
    if event == "budget.alert":
        title = f"Budget alert: {reason}"  # says which budget in a digest's one line too
        return [NotificationDraft(p, NotificationKind.BUDGET_ALERT, title, reason, "") for p in people]
    if event == "comment.created":
        return _comment_notifications(comment, actor=actor)
    if event in FINANCE_EVENTS:
        return _finance_notifications(actor=actor, expense=expense, report=report, lines=details.get("lines", 0))
    if subject == "expense" and expense is not None:
        link = _expense_link(expense)
        if verb == "submitted" and not expense.report_id:
            title = f"{who} submitted a meal for approval: {_describe(expense)}"
            return [
                NotificationDraft(p, NotificationKind.SUBMITTED, title, expense.business_purpose, link)
                for p in approvers_of(expense.owner)
            ]
        if verb in OWNER_KINDS and (actor is None or actor.pk != expense.owner_id):
            why = reason or (_last_reason(expense) if verb == "rejected" else "")
            title = f"Your meal of {_describe(expense)} was {verb} by {who}"
            body = f"Reason: {why}" if why else ""
            return [NotificationDraft(expense.owner, OWNER_KINDS[verb], title, body, link)]
    if subject == "report" and report is not None:
        link = _report_link(report)
        if verb == "submitted":
            title = f'{who} submitted the report "{report.title}" for approval'
            return [
                NotificationDraft(p, NotificationKind.SUBMITTED, title, report.purpose, link)
                for p in approvers_of(report.owner)
            ]
        if verb in OWNER_KINDS:
            title = f'Your report "{report.title}" was {verb.replace("_", " ")}'
            body = f"Reason: {reason}" if reason else ""
            return [NotificationDraft(report.owner, OWNER_KINDS[verb], title, body, link)]
    return []


def _finance_notifications(*, actor, expense, report, lines: int) -> list[NotificationDraft]:
    """Finance hears that a meal, or lines of a report, wait for its second approval."""
    who = str(actor) if actor else "Someone"
    subject = expense if expense is not None else report
    if subject is None:
        return []
    people = finance_approvers(excluding=[subject.owner_id, actor.pk if actor else None])
    if expense is not None:
        title = f"{who} approved a meal that now waits for finance's approval: {_describe(expense)}"
        body, link = expense.business_purpose, _expense_link(expense)
    else:
        count = f"{lines} line{'s' if lines != 1 else ''}"
        title = f'{who} approved {count} of the report "{report.title}" that now wait for finance\'s approval'
        body, link = report.purpose, _report_link(report)
    return [NotificationDraft(person, NotificationKind.SECOND_APPROVAL, title, body, link) for person in people]


def _comment_notifications(comment: Comment, *, actor) -> list[NotificationDraft]:
    """The owner, the approvers who took part (decided or commented) and the mentioned; never the author."""
    from expenses.services.comments import comment_participants

    link = _expense_link(comment.expense) if comment.expense_id else _report_link(comment.report)
    where = "a meal" if comment.expense_id else f'the report "{comment.report.title}"'
    who = str(actor) if actor else "Someone"
    drafts = []
    mentioned = {user.pk for user in comment.mentions.all()}
    for person in comment_participants(comment):
        if comment.author_id == person.pk:
            continue
        verb = "mentioned you in a comment on" if person.pk in mentioned else "commented on"
        drafts.append(NotificationDraft(person, NotificationKind.COMMENT, f"{who} {verb} {where}", comment.body, link))
    return drafts


def publish_on_commit(event: str, **subjects) -> None:
    """publish() once the current transaction commits (for changes whose objects are final only then)."""
    transaction.on_commit(lambda: publish(event, **subjects))
