"""Demo data: a team with an admin, a manager and two members, their restaurants and a year of meals.

Deterministic (seeded random) and idempotent: users and restaurants are found or created, and each demo
member gets expenses only up to the requested count, so running it twice changes nothing.
"""

import contextlib
import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, Team, User
from accounts.services import team_create, user_create
from expenses import services
from expenses.attendee_demo import seed_attendee_demo
from expenses.choices import ExpenseStatus, MealType, OrderType, PaymentMethod
from expenses.models import Expense, Restaurant
from expenses.report_demo import demo_people, seed_report_demo
from expenses.services.notifications import notifications_mark_older_read
from expenses.split_demo import seed_split_demo
from expenses.trip_demo import seed_trip_demo
from mealtracker.money import quantize

# Seeding e-mails nobody: the demo's approvals and reminders are recorded in the app, not sent.
DEMO_EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


@contextlib.contextmanager
def no_demo_mail():
    """While seeding, e-mail goes nowhere (the demo's people are made up); the site's backend after."""
    previous = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = DEMO_EMAIL_BACKEND
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = previous


DEMO_PASSWORD = "Demo-meals-2026"  # noqa: S105 - printed on purpose: these are local demo logins
DEMO_TEAM = "Field Sales"
DEMO_UNREAD = 5  # a year of meals leaves dozens of notifications: the bell shows the newest few on first sign-in


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


DEMO_USERS = [
    # email, display name, role, timezone, in team, manages team
    ("admin@demo.mealtracker.test", "Ada Admin", Role.ADMIN, "UTC", False, False),
    ("manager@demo.mealtracker.test", "Morgan Manager", Role.MANAGER, "America/New_York", True, True),
    ("alice@demo.mealtracker.test", "Alice Member", Role.MEMBER, "America/New_York", True, False),
    ("bob@demo.mealtracker.test", "Bob Member", Role.MEMBER, "America/Chicago", True, False),
]

RESTAURANTS = [
    # name, location, city, region, cuisine, service level, price level, latitude, longitude (near the real place)
    ("Blue Bottle Coffee", "Chelsea", "New York", "NY", "Cafe", "quick_service", 2, "40.742360", "-74.006370"),
    ("Joe's Pizza", "Carmine St", "New York", "NY", "Pizza", "quick_service", 1, "40.730560", "-74.002140"),
    ("Katz's Delicatessen", "", "New York", "NY", "Deli", "casual_dining", 2, "40.722230", "-73.987430"),
    ("Shake Shack", "Madison Square Park", "New York", "NY", "Burgers", "fast_casual", 2, "40.741480", "-73.988160"),
    ("Le Bernardin", "", "New York", "NY", "French", "fine_dining", 4, "40.761530", "-73.981820"),
    ("Sweetgreen", "Flatiron", "New York", "NY", "Salads", "fast_casual", 2, "40.739700", "-73.990300"),
    ("Xi'an Famous Foods", "Midtown", "New York", "NY", "Chinese", "quick_service", 1, "40.754600", "-73.986600"),
    ("The Smith", "Midtown", "New York", "NY", "American", "casual_dining", 3, "40.755300", "-73.974000"),
    ("Lou Malnati's", "River North", "Chicago", "IL", "Pizza", "casual_dining", 2, "41.890400", "-87.633800"),
    ("Portillo's", "Canal St", "Chicago", "IL", "Hot dogs", "quick_service", 1, "41.869100", "-87.639500"),
    ("Girl & the Goat", "West Loop", "Chicago", "IL", "American", "fine_dining", 3, "41.884100", "-87.647900"),
    ("Au Cheval", "", "Chicago", "IL", "Burgers", "casual_dining", 2, "41.884600", "-87.647600"),
    ("Intelligentsia", "Monadnock", "Chicago", "IL", "Cafe", "quick_service", 2, "41.878100", "-87.629800"),
    ("Whole Foods Market", "Union Square", "New York", "NY", "Grocery", "quick_service", 2, "40.734700", "-73.991000"),
    ("Chipotle", "Wall St", "New York", "NY", "Mexican", "fast_casual", 1, "40.706000", "-74.008800"),
]

# meal type -> (typical local hour, low, high amount) in USD
MEAL_SHAPES = {
    MealType.BREAKFAST: (8, "6", "18"),
    MealType.LUNCH: (12, "11", "38"),
    MealType.DINNER: (19, "28", "140"),
    MealType.DRINKS: (18, "9", "45"),
    MealType.SNACKS: (15, "3", "12"),
    MealType.GROCERIES: (17, "25", "120"),
    MealType.BRUNCH: (11, "22", "60"),
}
PURPOSES = ["Client lunch with Acme Corp", "Team offsite dinner", "Candidate interview", "Partner meeting"]


def _users(stdout_logins: list[DemoLogin]) -> list[User]:
    team = Team.objects.filter(name=DEMO_TEAM).first() or team_create(name=DEMO_TEAM)
    users = []
    for email, name, role, tz, in_team, manages in DEMO_USERS:
        user = User.objects.filter(email=email).first() or user_create(
            email=email, password=DEMO_PASSWORD, display_name=name, role=role, timezone=tz
        )
        if in_team and user.team_id != team.pk:
            user.team = team
            user.save(update_fields=["team"])
        if manages:
            team.managers.add(user)
        users.append(user)
        stdout_logins.append(DemoLogin(role=role, email=email, password=DEMO_PASSWORD))
    return users


def _restaurants(owner: User) -> list[Restaurant]:
    """The demo restaurants with their map positions, found by their identity or created (and linked to their
    merchants) in bulk; ones an earlier demo made without a position get it."""
    drafts = [
        {"name": name, "location_name": location, "city": city, "region": region, "country": "US",
         "cuisine": cuisine, "service_level": level, "price_level": price,
         "latitude": Decimal(latitude), "longitude": Decimal(longitude)}
        for name, location, city, region, cuisine, level, price, latitude, longitude in RESTAURANTS
    ]  # fmt: skip
    restaurants = services.restaurants_resolve(owner=owner, drafts=drafts)
    for index, (restaurant, draft) in enumerate(zip(restaurants, drafts, strict=True)):
        if restaurant.latitude is None and restaurant.longitude is None:
            restaurants[index] = services.restaurant_update(
                restaurant=restaurant, latitude=draft["latitude"], longitude=draft["longitude"]
            )
    return restaurants


def _random_expense(rng: random.Random, owner: User, restaurants, categories, now) -> dict:
    meal_type = rng.choice(list(MEAL_SHAPES))
    hour, low, high = MEAL_SHAPES[meal_type]
    local_day = (now - datetime.timedelta(days=rng.randint(0, 364))).astimezone(owner.tzinfo).date()
    local_time = datetime.time(hour=hour, minute=rng.choice([0, 10, 20, 30, 40, 50]))
    occurred_at = datetime.datetime.combine(local_day, local_time, tzinfo=owner.tzinfo)
    if occurred_at > now:
        occurred_at -= datetime.timedelta(days=1)
    party = rng.choice([1, 1, 1, 2, 2, 3, 4, 6])
    subtotal = quantize(Decimal(rng.uniform(float(low), float(high)) * (1 + (party - 1) * 0.8)), "USD")
    tax = quantize(subtotal * Decimal("0.08875"), "USD")
    tip = quantize(subtotal * Decimal(rng.choice(["0", "0.15", "0.18", "0.20"])), "USD")
    if meal_type == MealType.GROCERIES:
        tip = Decimal("0.00")
    is_business = party > 1 and rng.random() < 0.45
    category_name = {
        MealType.GROCERIES: "Groceries",
        MealType.DRINKS: "Drinks",
        MealType.SNACKS: "Snacks & Vending",
    }.get(meal_type, "Restaurants")
    return {
        "owner": owner,
        "amount": subtotal + tax + tip,
        "tax": tax,
        "tip": tip,
        "occurred_at": occurred_at,
        "currency": "USD",
        "restaurant": rng.choice(restaurants),
        "category": categories[category_name],
        "meal_type": meal_type,
        "order_type": rng.choice([OrderType.DINE_IN] * 4 + [OrderType.TAKEOUT, OrderType.DELIVERY]),
        "party_size": party,
        "payment_method": rng.choice([PaymentMethod.CARD, PaymentMethod.CARD, PaymentMethod.CASH]),
        "is_business": is_business,
        "business_purpose": rng.choice(PURPOSES) if is_business else "",
        "tags": rng.sample(["client", "travel", "team", "celebration"], k=rng.randint(0, 2)),
    }


def _walk_workflow(rng: random.Random, expense: Expense, manager: User, now) -> None:
    """Move a business meal through the approval flow; recent ones stay submitted for the manager."""
    roll = rng.random()
    expense = services.expense_submit(expense=expense, actor=expense.owner)
    if expense.occurred_at > now - datetime.timedelta(days=21) or roll < 0.15:
        return
    if roll < 0.25:
        services.expense_reject(expense=expense, actor=manager, comment="Please attach the itemised receipt.")
        return
    expense = services.expense_approve(expense=expense, actor=manager, comment="Looks good.")
    if roll > 0.5 and expense.status == ExpenseStatus.APPROVED:  # not those waiting for finance's approval
        services.expense_reimburse(expense=expense, actor=manager)


def seed_demo(*, expenses_per_member: int = 150, progress=None) -> list[DemoLogin]:
    """Create (or complete) the demo data set. `progress` is called once per expense written."""
    logins: list[DemoLogin] = []
    with transaction.atomic():
        users = _users(logins)
    manager = users[1]
    now = timezone.now()
    for member in users[1:]:
        rng = random.Random(f"demo-{member.email}")
        with transaction.atomic():
            restaurants = _restaurants(member)
            categories = {c.name: c for c in member.categories.all()}
            have = Expense.objects.filter(owner=member).count()
            # Draw the same sequence every run so the n-th expense is always the same one.
            shapes = [_random_expense(rng, member, restaurants, categories, now) for _ in range(expenses_per_member)]
            for shape in shapes[have:]:
                expense = services.expense_create(**shape)
                if expense.is_business and member != manager:
                    _walk_workflow(rng, expense, manager, now)
                if progress:
                    progress()
    seed_trip_demo(users[2], now=now)  # Alice: a trip with per-diem days, a weekday coffee to confirm
    seed_split_demo(users[2], users[3], now=now)  # Alice's dinner split with Bob and two guests; Bob settled up
    seed_attendee_demo(users[3], users[2], now=now)  # Bob's business dinner with Alice and a Globex client
    # Finance and auditor logins; Alice's submitted report, an approved one with finance's second approval, paid.
    team = Team.objects.get(name=DEMO_TEAM)
    for role, email in demo_people(password=DEMO_PASSWORD, team=team):
        logins.append(DemoLogin(role=role, email=email, password=DEMO_PASSWORD))
    seed_report_demo(users[2], manager, now=now)
    for user in User.objects.filter(email__in=[login.email for login in logins]):
        notifications_mark_older_read(user=user, keep_unread=DEMO_UNREAD)
    return logins


def demo_expense_total(expenses_per_member: int) -> int:
    return expenses_per_member * (len(DEMO_USERS) - 1)
