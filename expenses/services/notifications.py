"""In-app notifications and their e-mails: instant (once the change commits) or in a daily digest, per preferences."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmailDelivery, NotificationKind, NotificationPreferences, User
from expenses.models import EmailState, Notification

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
ALL_KINDS = "all"


@dataclass
class NotificationDraft:
    recipient: User
    kind: str
    title: str
    body: str = ""
    link: str = ""


def preferences_for(user: User) -> NotificationPreferences:
    """The user's preferences (unsaved defaults when they never chose: every kind e-mailed at once)."""
    try:
        return user.notification_prefs
    except NotificationPreferences.DoesNotExist:
        return NotificationPreferences(user=user)


def notifications_record(drafts: list[NotificationDraft], *, actor=None, expense=None, report=None) -> list:
    """Write the notifications (one per recipient and kind) and e-mail those wanted at once after the commit; the
    others wait for the daily digest or are not e-mailed, by the recipient's preferences."""
    seen, rows = set(), []
    for draft in drafts:
        if not draft.recipient.is_active or (draft.recipient.pk, draft.kind) in seen:
            continue
        seen.add((draft.recipient.pk, draft.kind))
        prefs = preferences_for(draft.recipient)
        if not prefs.emails(draft.kind):
            state = EmailState.NONE
        elif prefs.delivery == EmailDelivery.DIGEST:
            state = EmailState.PENDING
        else:
            state = EmailState.SENT
        notification = Notification(
            recipient=draft.recipient, kind=draft.kind, actor=actor, expense=expense, report=report,
            title=draft.title[:200], body=draft.body, link=draft.link, email_state=state,
        )  # fmt: skip
        rows.append(notification)
    created = Notification.objects.bulk_create(rows)
    per_user: dict[int, int] = {}
    for notification in created:
        per_user[notification.recipient_id] = per_user.get(notification.recipient_id, 0) + 1
    for user_id, count in per_user.items():
        User.objects.filter(pk=user_id).update(unread_notifications=F("unread_notifications") + count)
    instant = [n for n in created if n.email_state == EmailState.SENT]
    if instant:
        transaction.on_commit(lambda: [_email_one(n) for n in instant])
    return created


def absolute(link: str) -> str:
    return f"{settings.SITE_URL}{link}" if link.startswith("/") else link


def unsubscribe_token(user: User, kind: str = ALL_KINDS) -> str:
    """A signed token for the unsubscribe link: works without signing in, only for this user and kind."""
    return signing.dumps({"u": user.pk, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(user: User, kind: str = ALL_KINDS) -> str:
    return absolute(reverse("notifications_unsubscribe", args=[unsubscribe_token(user, kind)]))


def _footer(user: User, kind: str) -> str:
    label = NotificationKind(kind).label.lower() if kind in NotificationKind.values else "these"
    return (
        f"\n\n--\nYou receive this because e-mails about {label} are on.\n"
        f"Stop these e-mails: {unsubscribe_url(user, kind)}\n"
        f"Stop all notification e-mails: {unsubscribe_url(user)}\n"
        f"Preferences: {absolute(reverse('notification_preferences'))}\n"
    )


def _email_one(notification: Notification) -> None:
    user = notification.recipient
    body = notification.body + (f"\n\n{absolute(notification.link)}" if notification.link else "")
    try:
        send_mail(
            notification.title, body.strip() + _footer(user, notification.kind), settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )  # fmt: skip
    except OSError:
        # The notification stays in the app; a mail server outage never fails the change that caused it.
        logger.exception("Notification %s could not be e-mailed", notification.pk)


def unsubscribe_token_read(token: str) -> tuple[User, str]:
    """The user and kind a signed unsubscribe token names. Raises signing.BadSignature or User.DoesNotExist."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or "u" not in data or "k" not in data:
        raise signing.BadSignature("Not an unsubscribe token.")
    return User.objects.get(pk=data["u"]), str(data["k"])


def notifications_unsubscribe(*, token: str) -> tuple[User, str]:
    """Mute the kind (or every kind) named by a signed unsubscribe token. Raises signing.BadSignature."""
    user, kind = unsubscribe_token_read(token)
    prefs = preferences_for(user)
    prefs.muted_kinds = list(NotificationKind.values) if kind == ALL_KINDS else sorted({*prefs.muted_kinds, kind})
    prefs.save()
    return user, kind


def preferences_update(*, user: User, muted_kinds: list[str], delivery: str) -> NotificationPreferences:
    """Save which kinds are e-mailed and how (instant or daily digest)."""
    from mealtracker.errors import DomainError

    unknown = set(muted_kinds) - set(NotificationKind.values)
    if unknown:
        raise DomainError(f"Unknown notification kind {sorted(unknown)[0]}.", field="muted_kinds")
    if delivery not in EmailDelivery.values:
        raise DomainError("Choose instant or digest.", field="delivery")
    prefs = preferences_for(user)
    prefs.muted_kinds = sorted(set(muted_kinds))
    prefs.delivery = delivery
    prefs.save()
    return prefs


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    """Mark one of the user's notifications read (others' are not found)."""
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now()):
        User.objects.filter(pk=user.pk, unread_notifications__gt=0).update(
            unread_notifications=F("unread_notifications") - 1
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark every notification of the user read; the bell shows none."""
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    User.objects.filter(pk=user.pk).update(unread_notifications=0)
    user.unread_notifications = 0
    return count


def unread_count_refresh(*, user: User) -> int:
    """Recount the bell from the notifications themselves (a deleted meal takes its notifications with it)."""
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    if count != user.unread_notifications:
        User.objects.filter(pk=user.pk).update(unread_notifications=count)
        user.unread_notifications = count
    return count


@transaction.atomic
def notifications_mark_older_read(*, user: User, keep_unread: int) -> int:
    """Mark read all but the user's `keep_unread` newest unread notifications, and set the bell to what is left
    unread. Returns how many were marked read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    newest = list(unread.order_by("-created_at", "-id").values_list("pk", flat=True)[:keep_unread])
    marked = unread.exclude(pk__in=newest).update(read_at=timezone.now())
    user.unread_notifications = unread.count()
    User.objects.filter(pk=user.pk).update(unread_notifications=user.unread_notifications)
    return marked


def notification_digests_send() -> int:
    """E-mail each user one digest of their notifications waiting for it; returns the number of e-mails sent."""
    sent = 0
    waiting = Notification.objects.filter(email_state=EmailState.PENDING).select_related("recipient")
    by_user: dict[int, list[Notification]] = {}
    for notification in waiting.order_by("recipient_id", "created_at", "id"):
        by_user.setdefault(notification.recipient_id, []).append(notification)
    for items in by_user.values():
        user = items[0].recipient
        lines = [f"- {n.title}" + (f"\n  {absolute(n.link)}" if n.link else "") for n in items]
        subject = f"Your Meal Expense Tracker digest: {len(items)} notification{'s' if len(items) != 1 else ''}"
        body = "\n".join(lines) + _footer(user, ALL_KINDS)
        with transaction.atomic():
            claimed = Notification.objects.filter(pk__in=[n.pk for n in items], email_state=EmailState.PENDING).update(
                email_state=EmailState.SENT
            )
            if not claimed:
                continue
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
            except OSError:
                logger.exception("The digest of user %s could not be e-mailed", user.pk)
                transaction.set_rollback(True)
                continue
        sent += 1
    return sent
