from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from reports.services.backups import user_data_chunks


class Command(BaseCommand):
    help = "Write a versioned JSON backup of everything one user owns (never the password hash)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, email, output=None, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {email}.")
        if output:
            with Path(output).open("w", encoding="utf-8") as handle:
                for chunk in user_data_chunks(user):
                    handle.write(chunk)
            self.stderr.write(self.style.SUCCESS(f"Wrote the backup of {user.email} to {output}."))
        else:
            for chunk in user_data_chunks(user):
                self.stdout.write(chunk, ending="")
