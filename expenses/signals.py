from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="expenses_default_categories")
def create_default_categories(sender, instance, created, raw=False, **kwargs):
    # Every new user starts with the default categories (the original app created them lazily).
    if created and not raw:
        from expenses.services import categories_create_defaults

        categories_create_defaults(owner=instance)


# Stored receipt files (and thumbnails) are deleted with their receipt, however it goes; the hook lives there.
from expenses.services import receipts as _receipts  # noqa: E402, F401
