from django.core.management.base import BaseCommand

from expenses.services.loyalty import rewards_account_numbers_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt stored loyalty account numbers with the first FIELD_ENCRYPTION_KEY. Put the new key first and "
        "keep the old ones after it, deploy, run this, then drop the old keys."
    )

    def handle(self, *args, **options):
        rewritten = rewards_account_numbers_reencrypt()
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {rewritten} account numbers with the current key."))
