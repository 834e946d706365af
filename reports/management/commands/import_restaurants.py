from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from mealtracker.errors import DomainError
from reports.models import ImportAction
from reports.services.restaurant_imports import (
    RestaurantImportFailed,
    restaurant_import_batch_apply,
    restaurant_import_batch_create,
)


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Import restaurants from a CSV, XLSX or JSON file (ours or the original app's restaurant export) for one "
        "user: the same review and all-or-nothing apply as the web import. Rows with errors and duplicates (same "
        "place id, else same name and address) are skipped, so running it again adds nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="e-mail address of the owner")
        parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")

    def handle(self, *args, file, user, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file} does not exist.")
        owner = User.objects.filter(email__iexact=user.strip()).first()
        if owner is None:
            raise CommandError(f"No user with the e-mail address {user}.")
        try:
            with transaction.atomic():
                batch = restaurant_import_batch_create(owner=owner, filename=path.name, payload=path.read_bytes())
                self._report_rows(batch)
                result = restaurant_import_batch_apply(batch=batch, actor=owner)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            self.stdout.write(self._summary(result, prefix="Dry run, nothing written: would add"))
            return
        except RestaurantImportFailed as exc:
            for line, messages in exc.errors.items():
                self.stderr.write(f"{line}: {'; '.join(messages)}")
            raise CommandError(exc.message) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(self._summary(result, prefix="Added")))

    def _report_rows(self, batch):
        for row in batch.rows.order_by("line_number"):
            for error in row.errors:
                self.stdout.write(f"line {row.line_number}: {error}")
            for field, warning in (row.values.get("warnings") or {}).items():
                state = " (skipped)" if field == "duplicate" and row.action == ImportAction.SKIP else ""
                self.stdout.write(f"line {row.line_number}: {field}: {warning}{state}")

    def _summary(self, result, *, prefix):
        return (
            f"{prefix} {result['created']} restaurants; {result['matched']} already saved; "
            f"{result['skipped']} rows skipped."
        )
