from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from expenses.models import Restaurant
from expenses.places import PlacesUnavailable, places_enabled
from expenses.services.place_ids import confident_match, restaurant_place_candidates, restaurant_place_id_accept
from expenses.services.places import restaurant_apply_place_fixes, restaurant_compare_with_place
from mealtracker.errors import DomainError

FIND_LIMIT_PER_USER = 25  # paid searches a run makes per user, unless --limit says otherwise


class Command(BaseCommand):
    help = "Compare stored restaurants with their Google place; list the differences and optionally fix them."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Copy Google's values onto differing fields.")
        parser.add_argument("--dry-run", action="store_true", help="With --fix: say what would change, change nothing.")
        parser.add_argument("--user", metavar="EMAIL", help="Only this user's restaurants.")
        parser.add_argument(
            "--find-place-id",
            action="store_true",
            help="For restaurants without a place id: search Places by name and address and list the candidates.",
        )
        parser.add_argument(
            "--yes", action="store_true", help="With --find-place-id: store a confident single match without asking."
        )
        parser.add_argument(
            "--interactive", action="store_true", help="With --find-place-id: ask which candidate to store."
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=FIND_LIMIT_PER_USER,
            help=f"With --find-place-id: at most this many searches per user (default {FIND_LIMIT_PER_USER}).",
        )

    def handle(self, *args, fix, dry_run, user, **options):
        if not places_enabled():
            raise CommandError("PLACES_API_KEY is not set: Google Places validation is off.")
        restaurants = Restaurant.objects.select_related("owner").order_by("owner__email", "name", "pk")
        if user:
            owner = User.objects.filter(email__iexact=user.strip()).first()
            if owner is None:
                raise CommandError(f"No user with the e-mail {user}.")
            restaurants = restaurants.filter(owner=owner)
        if options["find_place_id"]:
            self._find_place_ids(restaurants.filter(place_id__isnull=True), dry_run=dry_run, **options)
            return
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

    def _find_place_ids(self, restaurants, *, dry_run: bool, yes: bool, interactive: bool, limit: int, **options):
        counts = {"searched": 0, "stored": 0, "confident": 0, "several": 0, "none": 0, "over_limit": 0, "errors": 0}
        per_user: dict[int, int] = {}
        try:
            for restaurant in restaurants.iterator(chunk_size=200):
                if per_user.get(restaurant.owner_id, 0) >= limit:
                    counts["over_limit"] += 1
                    continue
                per_user[restaurant.owner_id] = per_user.get(restaurant.owner_id, 0) + 1
                self._find_one(restaurant, counts, dry_run=dry_run, yes=yes, interactive=interactive)
        except PlacesUnavailable as exc:
            self._find_summary(counts, dry_run=dry_run)
            raise CommandError(f"Stopped: {exc.message}") from exc
        self._find_summary(counts, dry_run=dry_run)

    def _find_one(self, restaurant: Restaurant, counts: dict, *, dry_run: bool, yes: bool, interactive: bool):
        counts["searched"] += 1
        label = f"{restaurant.display_name} [{restaurant.pk}] ({restaurant.owner.email})"
        candidates = restaurant_place_candidates(user=restaurant.owner, restaurant=restaurant)
        self.stdout.write(label)
        if not candidates:
            counts["none"] += 1
            self.stdout.write("  no candidate found")
            return
        for number, candidate in enumerate(candidates, start=1):
            saved = f"; already saved as restaurant {candidate.saved_as}" if candidate.saved_as else ""
            self.stdout.write(
                f"  {number}. {candidate.name} - {candidate.address} ({candidate.distance_text}) "
                f"place {candidate.place_id}{saved}"
            )
        chosen = confident_match(candidates)
        counts["confident" if chosen else "several"] += 1
        if interactive and not dry_run:
            answer = input(f"  Store which place for {restaurant.name}? [1-{len(candidates)}, Enter: none] ").strip()
            chosen = candidates[int(answer) - 1] if answer.isdigit() and 1 <= int(answer) <= len(candidates) else None
        elif not (yes and chosen):
            return
        if chosen is None:
            return
        if dry_run:
            self.stdout.write(f"  would store {chosen.place_id} (dry run)")
            return
        try:
            restaurant_place_id_accept(restaurant=restaurant, place_id=chosen.place_id)
        except DomainError as exc:
            counts["errors"] += 1
            self.stderr.write(f"  not stored: {exc.message}")
            return
        counts["stored"] += 1
        self.stdout.write(f"  stored {chosen.place_id}")

    def _find_summary(self, counts: dict, *, dry_run: bool) -> None:
        stored = "dry run: nothing stored" if dry_run else f"{counts['stored']} stored"
        self.stdout.write(
            self.style.SUCCESS(
                f"Searched {counts['searched']} restaurants without a place id: {counts['confident']} with one "
                f"confident match, {counts['several']} to choose, {counts['none']} without a candidate; {stored}; "
                f"{counts['over_limit']} left for the next run (limit per user); {counts['errors']} errors."
            )
        )
