from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from expenses.models import Restaurant
from expenses.places import PlacesUnavailable, places_enabled
from expenses.services.places import restaurant_apply_place_fixes, restaurant_compare_with_place
from mealtracker.errors import DomainError


class Command(BaseCommand):
    help = "Compare stored restaurants with their Google place; list the differences and optionally fix them."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Copy Google's values onto differing fields.")
        parser.add_argument("--dry-run", action="store_true", help="With --fix: say what would change, change nothing.")
        parser.add_argument("--user", metavar="EMAIL", help="Only this user's restaurants.")

    def handle(self, *args, fix, dry_run, user, **options):
        if not places_enabled():
            raise CommandError("PLACES_API_KEY is not set: Google Places validation is off.")
        restaurants = Restaurant.objects.select_related("owner").order_by("owner__email", "name", "pk")
        if user:
            owner = User.objects.filter(email__iexact=user.strip()).first()
            if owner is None:
                raise CommandError(f"No user with the e-mail {user}.")
            restaurants = restaurants.filter(owner=owner)
        skipped = restaurants.filter(place_id__isnull=True).count()
        counts = {"checked": 0, "same": 0, "different": 0, "fixed": 0, "errors": 0}
        try:
            for restaurant in restaurants.filter(place_id__isnull=False).iterator(chunk_size=200):
                self._check(restaurant, counts, fix=fix, dry_run=dry_run)
        except PlacesUnavailable as exc:
            self._summary(counts, skipped, fix=fix, dry_run=dry_run)
            raise CommandError(f"Stopped: {exc.message}") from exc
        self._summary(counts, skipped, fix=fix, dry_run=dry_run)

    def _check(self, restaurant: Restaurant, counts: dict, *, fix: bool, dry_run: bool) -> None:
        counts["checked"] += 1
        label = f"{restaurant.name} [{restaurant.pk}] ({restaurant.owner.email})"
        try:
            differences = restaurant_compare_with_place(restaurant)
        except PlacesUnavailable:
            raise
        except DomainError as exc:
            counts["errors"] += 1
            self.stderr.write(f"{label}: {exc.message}")
            return
        if not differences:
            counts["same"] += 1
            return
        counts["different"] += 1
        self.stdout.write(label)
        for difference in differences:
            self.stdout.write(f"  {difference.field}: {difference.stored!r} -> {difference.google!r}")
        if fix and not dry_run:
            try:
                restaurant_apply_place_fixes(restaurant=restaurant, fields=[d.field for d in differences])
            except PlacesUnavailable:
                raise
            except DomainError as exc:
                counts["errors"] += 1
                self.stderr.write(f"  not fixed: {exc.message}")
                return
            counts["fixed"] += 1
            self.stdout.write("  fixed")
        elif fix:
            self.stdout.write("  would fix (dry run)")

    def _summary(self, counts: dict, skipped: int, *, fix: bool, dry_run: bool) -> None:
        fixed = ""
        if fix:
            fixed = " (dry run: nothing changed)" if dry_run else f", {counts['fixed']} fixed"
        self.stdout.write(
            self.style.SUCCESS(
                f"Checked {counts['checked']} restaurants: {counts['same']} match Google, "
                f"{counts['different']} differ{fixed}, {counts['errors']} errors; "
                f"{skipped} without a place id skipped."
            )
        )
