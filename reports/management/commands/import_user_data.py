import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from expenses.models import Receipt
from mealtracker.errors import DomainError
from reports.services.backups import user_data_import


class Command(BaseCommand):
    help = "Restore a user and everything they own from an export_user_data backup (the e-mail must be free)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file} does not exist.")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            user = user_data_import(data)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{file} is not JSON: {exc}") from exc
        except (DomainError, KeyError, TypeError, ValueError) as exc:
            raise CommandError(getattr(exc, "message", None) or f"The backup is incomplete: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {user.email} with {user.expenses.count()} expenses; they sign in after a password reset."
            )
        )
        backed_up = sum(len(item.get("receipts", [])) for item in data.get("expenses", []))
        missing = backed_up - Receipt.objects.filter(expense__owner=user).count()
        if missing:
            files = "file is" if missing == 1 else "files are"
            self.stdout.write(
                self.style.WARNING(f"{missing} receipt {files} no longer in storage; those receipts were left out.")
            )
