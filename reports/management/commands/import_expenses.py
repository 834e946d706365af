from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from accounts.models import User
from mealtracker.errors import DomainError
from reports.models import ImportAction
from reports.services.imports import ImportFailed, import_batch_apply, import_batch_create


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Import expenses from a CSV, XLSX or JSON file for one user: the same review and all-or-nothing apply as "
        "the web import. Rows with errors, duplicates (same amount within 3 days) or an exclusion mark are skipped; "
        "what is read differently from the file (e.g. an unknown country) is listed as a warning."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="e-mail address of the owner")
        parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
        parser.add_argument("--include-duplicates", action="store_true", help="import likely duplicates too")

    def handle(self, *args, file, user, dry_run=False, include_duplicates=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file} does not exist.")
        owner = User.objects.filter(email__iexact=user.strip()).first()
        if owner is None:
            raise CommandError(f"No user with the e-mail address {user}.")
        try:
            with transaction.atomic():
                batch = import_batch_create(owner=owner, filename=path.name, payload=path.read_bytes())
                if include_duplicates:
                    batch.rows.filter(errors=[]).exclude(duplicate_ids=[]).update(action=ImportAction.APPLY)
                self._report_rows(batch)
                to_apply = batch.rows.filter(action=ImportAction.APPLY).count()
                with tqdm(total=to_apply, desc="Importing", unit="row", file=self.stderr, disable=None) as bar:
                    result = import_batch_apply(batch=batch, actor=owner, progress=bar.update)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            self.stdout.write(self._summary(result, batch, prefix="Dry run, nothing written: would create"))
            return
        except ImportFailed as exc:
            for line, messages in exc.errors.items():
                self.stderr.write(f"{line}: {'; '.join(messages)}")
            raise CommandError(exc.message) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(self._summary(result, batch, prefix="Created")))

    def _report_rows(self, batch):
        for row in batch.rows.exclude(errors=[]).order_by("line_number"):
            self.stdout.write(f"line {row.line_number}: {'; '.join(row.errors)}")
        for row in batch.rows.filter(values__has_key="warnings").order_by("line_number"):
            self.stdout.write(f"line {row.line_number}: warning: {'; '.join(row.values['warnings'])}")
        for row in batch.rows.filter(errors=[]).exclude(duplicate_ids=[]).order_by("line_number"):
            state = "imported anyway" if row.action == ImportAction.APPLY else "skipped"
            self.stdout.write(f"line {row.line_number}: possible duplicate of expense {row.duplicate_ids}, {state}")

    def _summary(self, result, batch, *, prefix):
        failed = batch.rows.exclude(errors=[]).count()
        skipped = result["skipped"] - failed
        return f"{prefix} {result['created']} expenses; skipped {skipped}; failed {failed} (import #{batch.pk})."
