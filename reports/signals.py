"""Reports reacts to expenses without expenses knowing about reports (dependencies point one way)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from expenses.models import Expense


@receiver(post_save, sender=Expense, dispatch_uid="reports_flag_over_policy")
def flag_over_policy(sender, instance, created, raw=False, **kwargs):
    # Flagged once, when the meal is recorded: later edits (or a changed policy) do not rewrite history.
    if created and not raw:
        from reports.services.policies import policy_check

        policy_check(instance)
