"""Product events (`report.submitted`, `batch.paid`, ...) handed to the event fan-out once a change is committed."""

from django.db import transaction


def publish_event(name: str, **subjects) -> None:
    """Publish `name` about `subjects` after the current transaction commits (never for a rolled-back change)."""
    transaction.on_commit(lambda: _publish(name, **subjects))


def _publish(name: str, **subjects) -> None:
    try:
        from expenses.services.events import publish
    except ImportError:  # the fan-out (notifications, e-mail, webhooks) is not installed
        return
    publish(name, **subjects)
