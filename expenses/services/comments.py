"""Comments on expenses and reports between the owner and the approvers; @mentions notify who may see the object."""

import re

from django.db import transaction
from django.db.models import Q

from accounts.models import User
from expenses.models import ApprovalEvent, Comment, Expense, ExpenseReport
from expenses.permissions import can_view_expense
from mealtracker.errors import DomainError, NotAllowed

MAX_LENGTH = 4000
# @alice (the e-mail's local part) or @alice@example.com
MENTION = re.compile(r"(?<![\w.+-])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")


def can_see(user: User, *, expense: Expense | None = None, report: ExpenseReport | None = None) -> bool:
    """Whether `user` may read the comment's subject (the same rules as the expense and report lists)."""
    if not user.is_active:
        return False
    if expense is not None:
        return can_view_expense(user, expense)
    from expenses.report_selectors import reports_visible_to

    return reports_visible_to(user).filter(pk=report.pk).exists()


def mentioned_users(body: str, *, expense=None, report=None) -> list[User]:
    """The users a comment mentions and who may see its subject (others are never told it exists)."""
    names = {name.lower().rstrip(".") for name in MENTION.findall(body)}
    if not names:
        return []
    emails = {name for name in names if "@" in name}
    locals_ = names - emails
    wanted = Q()
    for email in emails:
        wanted |= Q(email__iexact=email)
    for local in locals_:
        wanted |= Q(email__istartswith=f"{local}@")
    found = []
    for user in User.objects.filter(wanted, is_active=True).select_related("team").order_by("id"):
        email = user.email.lower()
        named = email in emails or email.split("@")[0] in locals_
        if named and can_see(user, expense=expense, report=report):
            found.append(user)
    return found


@transaction.atomic
def comment_create(
    *, author: User, body: str, expense: Expense | None = None, report: ExpenseReport | None = None
) -> Comment:
    """Add a comment to an expense or a report the author may see; the owner, approvers involved and the
    mentioned hear of it (comment.created)."""
    from expenses.services.events import publish

    if (expense is None) == (report is None):
        raise DomainError("Comment on an expense or a report.", field="expense")
    if author.is_auditor:
        raise NotAllowed("Auditors read and do not comment.")
    if not can_see(author, expense=expense, report=report):
        raise NotAllowed("You cannot comment here.")
    body = (body or "").strip()
    if not body:
        raise DomainError("Write a comment.", field="body")
    if len(body) > MAX_LENGTH:
        raise DomainError(f"A comment is at most {MAX_LENGTH} characters.", field="body", code="max_length")
    comment = Comment.objects.create(author=author, body=body, expense=expense, report=report)
    mentions = mentioned_users(body, expense=expense, report=report)
    if mentions:
        comment.mentions.set(mentions)
    publish("comment.created", actor=author, expense=expense, report=report, comment=comment)
    return comment


def comment_participants(comment: Comment) -> list[User]:
    """Who hears of a comment: the owner, earlier commenters, the approvers who decided and the mentioned, each
    only while they may see the subject."""
    subject_expense, subject_report = comment.expense, comment.report
    owner = (subject_expense or subject_report).owner
    people = {owner.pk: owner}
    earlier = Comment.objects.filter(expense=subject_expense, report=subject_report).select_related("author")
    for other in earlier:
        if other.author_id:
            people.setdefault(other.author_id, other.author)
    if subject_expense is not None:
        decided = ApprovalEvent.objects.filter(expense=subject_expense).select_related("actor")
    else:
        decided = ApprovalEvent.objects.filter(expense__report=subject_report).select_related("actor")
    for event in decided:
        if event.actor_id:
            people.setdefault(event.actor_id, event.actor)
    for user in comment.mentions.all():
        people.setdefault(user.pk, user)
    return [p for p in people.values() if can_see(p, expense=subject_expense, report=subject_report)]
