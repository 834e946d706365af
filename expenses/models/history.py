"""The field-by-field history of expenses: every change after creation, append-only."""

from django.conf import settings
from django.db import models


class ChangeSource(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    ADMIN = "admin", "Back office"
    IMPORT = "import", "Import"
    RESTORE = "restore", "Restore"
    BULK = "bulk", "Bulk change"
    APPROVAL = "approval", "Approval"
    SYSTEM = "system", "System"


class ExpenseChange(models.Model):
    """One write to an expense: who, when, through what, and each field's old and new value (as shown)."""

    expense = models.ForeignKey("expenses.Expense", on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # Kept when the user is deleted: the trail still says who it was.
    actor_label = models.CharField(max_length=254, blank=True)
    source = models.CharField(max_length=10, choices=ChangeSource.choices, default=ChangeSource.SYSTEM)
    # {"amount": {"old": "12.50", "new": "14.00"}, ...}
    changes = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["expense", "created_at"], name="expenses_change_expense_when")]

    def __str__(self):
        return f"{', '.join(self.changes)} on {self.expense_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The history is append-only.")
