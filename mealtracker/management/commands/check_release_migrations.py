"""Refuse a release whose pending migrations would break the version still serving while they run.

Run by the release (deploy/release.py) through the new version, before `migrate`, against the live database:
    zappa manage STAGE check_release_migrations      (or: python manage.py check_release_migrations)
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from mealtracker.release_migrations import pending_plan, release_findings


class Command(BaseCommand):
    help = "Fail when pending migrations drop, rename or narrow what the live version still reads."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--allow",
            action="append",
            default=[],
            metavar="APP.MIGRATION",
            help="accept this migration anyway (a maintenance window with the live version stopped)",
        )

    def handle(self, *args, database, allow, **options):
        loader = MigrationLoader(connections[database])
        applied = set(loader.applied_migrations)
        pending = pending_plan(loader.graph, applied)
        findings = release_findings(loader.graph, applied, set(allow))
        if findings:
            lines = "\n".join(f"  {finding}" for finding in findings)
            raise CommandError(
                f"{len(findings)} pending operation(s) would break the live version:\n{lines}\n"
                "Split them: stop using the column in this release, drop it in the next (docs/deploy.md)."
            )
        self.stdout.write(f"{len(pending)} pending migration(s), all backward compatible.")
