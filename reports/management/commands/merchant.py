from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q
from django.db.models.functions import Lower

from accounts.models import User
from expenses.merchant_selectors import merchant_matches
from expenses.models import Merchant, Restaurant
from expenses.services.merchant_links import merchant_link_apply
from mealtracker.errors import DomainError
from reports.services.merchant_transfer import (
    MerchantImportFailed,
    merchant_record,
    merchants_csv,
    merchants_for_export,
    merchants_import,
    merchants_json,
)


class Command(BaseCommand):
    help = (
        "The merchant (brand) catalogue: list, show, link restaurants, export and import (CSV or JSON with the "
        "links to restaurants). Changes need --admin, the e-mail of an admin they are made as."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="every merchant with its restaurant count")
        listing.add_argument("--search", default="", help="only names containing this")
        show = actions.add_parser("show", help="one merchant's fields and restaurants")
        show.add_argument("merchant", help="name or id")
        link = actions.add_parser("link", help="link restaurants to a merchant")
        link.add_argument("merchant", help="name or id")
        link.add_argument("--admin", required=True)
        link.add_argument("--restaurant", type=int, action="append", default=[], help="a restaurant id (repeat)")
        link.add_argument("--matching", action="store_true", help="every unlinked restaurant that matches the brand")
        link.add_argument("--user", help="with --matching: only this user's restaurants")
        link.add_argument("--dry-run", action="store_true")
        export = actions.add_parser("export", help="the catalogue with its links, as CSV or JSON")
        export.add_argument("--format", choices=["csv", "json"], default="csv", dest="file_format")
        export.add_argument("--output", "-o", help="file to write (default: standard output)")
        imports = actions.add_parser("import", help="create or update merchants and their links from a file")
        imports.add_argument("file")
        imports.add_argument("--admin", required=True)
        imports.add_argument("--owner", action="append", default=[], metavar="OLD=NEW",
                             help="link OLD's restaurants in the file to NEW's (repeat)")  # fmt: skip
        imports.add_argument("--dry-run", action="store_true")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _merchant(self, key: str) -> Merchant:
        found = Merchant.objects.filter(pk=int(key)) if key.isdigit() else Merchant.objects.filter(name__iexact=key)
        merchant = found.first()
        if merchant is None:
            raise CommandError(f"No merchant {key!r}.")
        return merchant

    def _admin(self, email: str) -> User:
        admin = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if admin is None or not admin.is_admin:
            raise CommandError(f"{email} is not an active admin.")
        return admin

    def _list(self, *, search, **options):
        merchants = Merchant.objects.annotate(count=Count("restaurants")).order_by(Lower("name"), "pk")
        if search:
            merchants = merchants.filter(Q(name__icontains=search) | Q(short_name__icontains=search))
        for merchant in merchants:
            chain = " chain" if merchant.is_chain else ""
            self.stdout.write(f"{merchant.pk:>6}  {merchant.name}{chain}  ({merchant.count} restaurants)")
        self.stdout.write(f"{merchants.count()} merchants.")

    def _show(self, *, merchant, **options):
        found = merchants_for_export().filter(pk=self._merchant(merchant).pk).get()
        record = merchant_record(found)
        for column, value in record.items():
            if column != "restaurants":
                self.stdout.write(f"{column}: {value}")
        self.stdout.write(f"restaurants: {len(record['restaurants'])}")
        for link in record["restaurants"]:
            where = ", ".join(part for part in (link["location_name"], link["city"]) if part)
            self.stdout.write(f"  {link['name']}{f' ({where})' if where else ''} - {link['owner']}")

    def _link(self, *, merchant, admin, restaurant, matching, user, dry_run, **options):
        brand, actor = self._merchant(merchant), self._admin(admin)
        chosen = set(restaurant)
        if matching:
            unlinked = Restaurant.objects.filter(merchant__isnull=True)
            if user:
                unlinked = unlinked.filter(owner__email__iexact=user.strip())
            unlinked = list(unlinked)
            matches = merchant_matches(unlinked)
            chosen |= {r.pk for r in unlinked if matches.get(id(r), (None,))[0] == brand}
        if dry_run:
            self.stdout.write(f"Dry run: would link {len(chosen)} restaurants to {brand.name}.")
            return
        changed = merchant_link_apply(actor=actor, links=[(pk, brand.pk) for pk in sorted(chosen)])
        self.stdout.write(self.style.SUCCESS(f"Linked {changed} restaurants to {brand.name}."))

    def _export(self, *, file_format, output, **options):
        merchants = merchants_for_export()
        chunks = merchants_csv(merchants) if file_format == "csv" else [merchants_json(merchants)]
        if output:
            with open(output, "w", encoding="utf-8", newline="") as target:
                target.writelines(chunks)
            self.stderr.write(f"Wrote {merchants.count()} merchants to {output}.")
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")

    def _import(self, *, file, admin, owner, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file} does not exist.")
        if any("=" not in pair for pair in owner):
            raise CommandError("--owner takes OLD=NEW e-mail addresses.")
        owners = dict(pair.split("=", 1) for pair in owner)
        try:
            result = merchants_import(
                actor=self._admin(admin), filename=path.name, payload=path.read_bytes(), owners=owners, dry_run=dry_run
            )
        except MerchantImportFailed as exc:
            for where, messages in exc.errors.items():
                self.stderr.write(f"{where}: {'; '.join(messages)}")
            raise CommandError(exc.message) from exc
        for missing in result.not_found:
            self.stdout.write(f"not linked, restaurant not found: {missing}")
        prefix = "Dry run, nothing written: would create" if dry_run else "Created"
        self.stdout.write(
            f"{prefix} {result.created} merchants, updated {result.updated}, {result.unchanged} unchanged; "
            f"{result.linked} restaurant links."
        )
