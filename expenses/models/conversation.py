"""Comments on expenses and reports, and the notifications the product sends to its users."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Comment(models.Model):
    """A message between the owner and the approvers on an expense or a report; mentions are notified."""

    expense = models.ForeignKey(
        "expenses.Expense", on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    report = models.ForeignKey(
        "expenses.ExpenseReport", on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(max_length=4000)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expense__isnull=False, report__isnull=True) | Q(expense__isnull=True, report__isnull=False),
                name="expenses_comment_one_subject",
            )
        ]

    def __str__(self):
        return self.body[:50]


class EmailState(models.TextChoices):
    NONE = "none", "Not e-mailed"
    PENDING = "pending", "Waiting for the daily digest"
    SENT = "sent", "E-mailed"


class Notification(models.Model):
    """Something a user should hear about; shown under the bell and e-mailed by their preferences."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20)  # accounts.models.NotificationKind
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expense = models.ForeignKey("expenses.Expense", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    report = models.ForeignKey(
        "expenses.ExpenseReport", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    email_state = models.CharField(max_length=10, choices=EmailState.choices, default=EmailState.NONE)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="expenses_notification_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="expenses_notification_unread"),
        ]

    def __str__(self):
        return self.title
