"""Who was at a meal besides its owner: colleagues (users of the owner's team) and named guests."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from expenses.models.expenses import Expense


class Attendee(models.Model):
    """One person at the table. A colleague row points at a user; a guest row carries a name, company and
    relationship. The owner is never an attendee of their own meal; anonymous covers are the party size's rest."""

    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, related_name="attendees")
    # A colleague's name is copied from the account whenever the meal's attendees are written, so exports read
    # one column and a meal still says who was there after the account is deleted (the row then is a guest).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meals_attended",
    )
    name = models.CharField(max_length=150)
    company = models.CharField(max_length=150, blank=True)
    relationship = models.CharField(max_length=100, blank=True, help_text="E.g. client, supplier, candidate.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the meal, from 0.")

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["company"], name="expenses_attendee_company")]
        constraints = [
            models.CheckConstraint(
                # Either a colleague (a user; company and relationship belong to guests) or a named guest.
                condition=~Q(name="") & (Q(user__isnull=True) | Q(company="", relationship="")),
                name="expenses_attendee_colleague_or_guest",
            ),
            models.UniqueConstraint(
                fields=["expense", "user"],
                condition=Q(user__isnull=False),
                name="expenses_attendee_colleague_once",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_colleague(self) -> bool:
        return self.user_id is not None

    @property
    def label(self) -> str:
        """Name with company and relationship for guests, e.g. "Ann Lee (ACME, client)"."""
        details = ", ".join(part for part in (self.company, self.relationship) if part)
        return f"{self.name} ({details})" if details else self.name
