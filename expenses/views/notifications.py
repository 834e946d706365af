"""Notifications (the bell's list, mark read), e-mail preferences, the unsubscribe link, and comments."""

from django.contrib import messages
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import NotificationKind, User
from expenses.conversation_forms import CommentForm, PreferencesForm
from expenses.models import Notification
from expenses.report_selectors import report_get
from expenses.selectors import expense_get
from expenses.services.comments import comment_create
from expenses.services.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
    notifications_unsubscribe,
    preferences_for,
    preferences_update,
    unread_count_refresh,
    unsubscribe_token_read,
)
from expenses.views.expenses import paged
from mealtracker.errors import DomainError
from mealtracker.web import user_page


@user_page
@require_GET
def notification_list(request):
    """The user's notifications, newest first, a page at a time (no COUNT: the bell's counter is recounted)."""
    rows, next_page = paged(Notification.objects.filter(recipient=request.user).select_related("actor"), request)
    unread_count_refresh(user=request.user)
    return render(request, "expenses/notifications/list.html", {"notifications": rows, "next_page": next_page})


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or fallback
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@user_page
@require_POST
def notification_open(request, pk):
    """Mark one notification read and go to what it is about."""
    try:
        notification = Notification.objects.get(pk=pk, recipient=request.user)
    except Notification.DoesNotExist as exc:
        raise Http404("Notification not found.") from exc
    notification_mark_read(notification=notification, user=request.user)
    return redirect(_safe_next(request, notification.link or reverse("notification_list")))


@user_page
@require_POST
def notifications_read_all(request):
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("notification_list")


@user_page
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    prefs = preferences_for(request.user)
    initial = {
        "emailed": [kind for kind in NotificationKind.values if kind not in prefs.muted_kinds],
        "delivery": prefs.delivery,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        muted = [kind for kind in NotificationKind.values if kind not in form.cleaned_data["emailed"]]
        preferences_update(user=request.user, muted_kinds=muted, delivery=form.cleaned_data["delivery"])
        messages.success(request, "Notification preferences saved.")
        return redirect("notification_preferences")
    return render(request, "expenses/notifications/preferences.html", {"form": form})


@require_http_methods(["GET", "POST"])
def notifications_unsubscribe_view(request, token):
    """The e-mails' unsubscribe link: no sign-in, the signed token names the user and the kind. GET asks (mail
    scanners open links), POST stops the e-mails."""
    try:
        user, kind = unsubscribe_token_read(token)
    except (signing.BadSignature, User.DoesNotExist) as exc:
        raise Http404("This unsubscribe link is not valid.") from exc
    label = NotificationKind(kind).label if kind in NotificationKind.values else "All notification e-mails"
    done = False
    if request.method == "POST":
        notifications_unsubscribe(token=token)
        done = True
    context = {"label": label, "email": user.email, "done": done}
    return render(request, "expenses/notifications/unsubscribe.html", context)


@user_page
@require_POST
def expense_comment_add(request, pk):
    expense = expense_get(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_create(author=request.user, expense=expense, body=form.cleaned_data["body"])
            messages.success(request, "Comment added.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Write a comment of at most 4000 characters.")
    return redirect(f"{reverse('expense_detail', args=[expense.pk])}#comments")


@user_page
@require_POST
def report_comment_add(request, pk):
    report = report_get(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment_create(author=request.user, report=report, body=form.cleaned_data["body"])
            messages.success(request, "Comment added.")
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "Write a comment of at most 4000 characters.")
    return redirect(f"{reverse('report_detail', args=[report.pk])}#comments")
