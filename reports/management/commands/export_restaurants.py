from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from reports.services.restaurant_transfer import restaurants_csv, restaurants_for_export, restaurants_json


class Command(BaseCommand):
    help = "Export one user's restaurants as CSV or JSON (the format import_restaurants and the web import read)."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="e-mail address of the owner")
        parser.add_argument("--format", choices=["csv", "json"], default="csv", dest="file_format")
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, user, file_format, output=None, **options):
        owner = User.objects.filter(email__iexact=user.strip()).first()
        if owner is None:
            raise CommandError(f"No user with the e-mail address {user}.")
        restaurants = restaurants_for_export(owner)
        chunks = restaurants_csv(restaurants.iterator()) if file_format == "csv" else [restaurants_json(restaurants)]
        if output:
            with open(output, "w", encoding="utf-8", newline="") as target:
                target.writelines(chunks)
            self.stderr.write(f"Wrote {restaurants.count()} restaurants to {output}.")
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
