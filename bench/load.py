"""Fill a PostgreSQL database with a large, realistic data set through set-based SQL (no per-row Python).

Run by `make bench` after the schema has been migrated: teams, users (a manager per team), default categories,
restaurants, expenses spread over the last year (a quarter of them tagged), every row satisfying the model's CHECK
constraints.
"""

import re
import time

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection

BENCH_PASSWORD = "Bench-password-2026"  # noqa: S105 - synthetic accounts in a throwaway database

CITIES = ["New York", "Chicago", "Boston", "Austin", "Seattle", "Denver", "Atlanta", "Miami", "Portland", "Phoenix"]
CUISINES = ["Pizza", "Sushi", "Burgers", "Thai", "Mexican", "Cafe", "Indian", "French", "Deli", "Salads"]
MEAL_TYPES = ["breakfast", "lunch", "lunch", "dinner", "dinner", "drinks", "snacks"]
ORDER_TYPES = ["dine_in", "dine_in", "dine_in", "takeout", "delivery"]
BUSINESS_STATUSES = ["draft", "submitted", "approved", "reimbursed", "rejected"]
TAGS = ["client", "team-offsite", "travel"]
DEFAULT_CATEGORIES = ["Restaurants", "Groceries", "Drinks", "Fast Food", "Entertainment", "Snacks & Vending", "Other"]


def _array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


_INSERT = re.compile(r"^\s*INSERT INTO (\w+) \(([^)]*)\)\s*(SELECT\b.*)$", re.DOTALL)


def with_model_defaults(sql: str, params: dict) -> str:
    """The INSERT with every NOT NULL column it does not name filled with its model field's default (Django keeps
    defaults in Python, not in the schema), so a new column with a default never breaks the loader."""
    match = _INSERT.match(sql)
    if not match:
        return sql
    table, named, select = match.group(1), {c.strip() for c in match.group(2).split(",")}, match.group(3)
    model = next(m for m in apps.get_models(include_auto_created=True) if m._meta.db_table == table)
    missing = [
        field
        for field in model._meta.concrete_fields
        if not field.null and not field.primary_key and field.column not in named
    ]
    if not missing:
        return sql
    for field in missing:
        params[f"default_{table}_{field.column}"] = field.get_db_prep_save(field.get_default(), connection)
    columns = ", ".join([match.group(2).strip(), *(field.column for field in missing)])
    defaults = ", ".join(f"%(default_{table}_{field.column})s" for field in missing)
    return f"INSERT INTO {table} ({columns}) SELECT given.*, {defaults} FROM ({select}) AS given"


def load(*, rows: int, users: int, teams: int, restaurants: int, log=print) -> dict:
    """Load the data set and return how long each step took, in seconds."""
    timings = {}
    password = make_password(BENCH_PASSWORD)
    per_user_restaurants = max(1, restaurants // users)
    steps = [
        (
            "teams",
            "INSERT INTO accounts_team (name, created_at) SELECT 'Bench team ' || g, now() "
            "FROM generate_series(1, %(teams)s) g",
        ),
        (
            "users",
            """
            INSERT INTO accounts_user (password, is_superuser, email, display_name, role, timezone,
                default_currency, is_active, is_staff, date_joined, team_id)
            SELECT %(password)s, false, 'user' || g || '@bench.test', 'Bench user ' || g,
                   CASE WHEN g <= %(teams)s THEN 'manager' ELSE 'member' END,
                   (ARRAY['America/New_York','America/Chicago','Europe/London','UTC'])[1 + g %% 4],
                   'USD', true, g <= %(teams)s, now(),
                   (SELECT min(id) FROM accounts_team) + (g - 1) %% %(teams)s
            FROM generate_series(1, %(users)s) g
            """,
        ),
        (
            "managers",
            "INSERT INTO accounts_team_managers (team_id, user_id) "
            "SELECT team_id, id FROM accounts_user WHERE role = 'manager' AND email LIKE '%%@bench.test'",
        ),
        (
            "categories",
            f"""
            INSERT INTO expenses_category (owner_id, name, description, color, icon, is_default, created_at)
            SELECT u.id, c.name, '', '#6c757d', '', true, now()
            FROM accounts_user u CROSS JOIN unnest({_array(DEFAULT_CATEGORIES)}) AS c(name)
            WHERE u.email LIKE '%%@bench.test'
            """,
        ),
        (
            "user_index",
            "CREATE TEMP TABLE bench_users AS SELECT id, (row_number() OVER (ORDER BY id) - 1)::int AS n "
            "FROM accounts_user WHERE email LIKE '%%@bench.test'",
        ),
        (
            "restaurants",
            f"""
            INSERT INTO expenses_restaurant (owner_id, name, location_name, located_within, cuisine,
                service_level, price_level, address_line_1, address_line_2, city, region, postal_code, country,
                phone, website, notes, created_at, updated_at)
            SELECT u.id, 'Restaurant ' || u.n || '-' || r, '', '', ({_array(CUISINES)})[1 + r %% 10],
                   'casual_dining', r %% 5, r || ' Main St', '', ({_array(CITIES)})[1 + (u.n + r) %% 10], '',
                   '', 'US', '', '', '', now(), now()
            FROM bench_users u CROSS JOIN generate_series(0, %(per_user)s - 1) r
            """,
        ),
        (
            "restaurant_index",
            "CREATE TEMP TABLE bench_restaurants AS SELECT r.id, u.n AS user_n, "
            "(row_number() OVER (PARTITION BY r.owner_id ORDER BY r.id) - 1)::int AS k "
            "FROM expenses_restaurant r JOIN bench_users u ON u.id = r.owner_id",
        ),
        ("restaurant_index_pk", "CREATE INDEX ON bench_restaurants (user_n, k)"),
        (
            "category_index",
            "CREATE TEMP TABLE bench_categories AS SELECT min(c.id) AS id, u.n AS user_n "
            "FROM expenses_category c JOIN bench_users u ON u.id = c.owner_id GROUP BY u.n",
        ),
        ("category_index_pk", "CREATE INDEX ON bench_categories (user_n)"),
        (
            "expenses",
            f"""
            INSERT INTO expenses_expense (owner_id, restaurant_id, category_id, occurred_at, meal_type,
                order_type, party_size, amount, tax, tip, currency, reporting_amount, exchange_rate,
                payment_method, notes, is_business, business_purpose, status, version,
                created_at, updated_at)
            SELECT u.id, r.id, c.id, e.occurred_at, ({_array(MEAL_TYPES)})[1 + e.g %% 7],
                   ({_array(ORDER_TYPES)})[1 + e.g %% 5], 1 + e.g %% 4,
                   e.amount, round(e.amount * 0.08, 2), round(e.amount * 0.15, 2), 'USD', e.amount, 1,
                   'card', CASE WHEN e.g %% 10 = 0 THEN 'client dinner notes ' || e.g ELSE '' END,
                   e.business, CASE WHEN e.business THEN 'Client meeting' ELSE '' END,
                   CASE WHEN e.business THEN ({_array(BUSINESS_STATUSES)})[1 + (e.g / %(users)s / 5) %% 5]
                        ELSE 'recorded' END,
                   1, e.occurred_at, e.occurred_at
            FROM (
                -- A fifth of each person's meals are business meals, spread over every approval status (the
                -- owner is g mod users, so business-ness and status come from g / users, not from g itself).
                SELECT g, g %% %(users)s AS user_n, (g / %(users)s) %% %(per_user)s AS k,
                       (g / %(users)s) %% 5 = 0 AS business,
                       now() - (random() * interval '365 days') AS occurred_at,
                       round((6 + random() * 120)::numeric, 2) AS amount
                FROM generate_series(1, %(rows)s) g
            ) e
            JOIN bench_users u ON u.n = e.user_n
            JOIN bench_restaurants r ON r.user_n = e.user_n AND r.k = e.k
            JOIN bench_categories c ON c.user_n = e.user_n
            """,
        ),
        (
            "tags",
            f"""
            INSERT INTO expenses_tag (owner_id, name, color, description, created_at)
            SELECT u.id, t.name, '#6c757d', '', now()
            FROM bench_users u CROSS JOIN unnest({_array(TAGS)}) AS t(name)
            """,
        ),
        (
            "expense_tags",
            # A quarter of the meals carry one tag, a twelfth of them a second one.
            f"""
            INSERT INTO expenses_expensetag (expense_id, tag_id, added_by_id, created_at)
            SELECT e.id, t.id, e.owner_id, e.created_at
            FROM expenses_expense e
            JOIN expenses_tag t ON t.owner_id = e.owner_id
            WHERE (e.id %% 4 = 0 AND t.name = '{TAGS[0]}') OR (e.id %% 12 = 0 AND t.name = '{TAGS[1]}')
            """,
        ),
        # As a database in service would be: vacuumed (visibility map set, so index-only scans work) and analysed.
        # Without it autovacuum starts on the fresh million rows during the timed runs, on the same two cores.
        ("vacuum_analyze", "VACUUM ANALYZE"),
    ]
    params = {
        "teams": teams,
        "users": users,
        "rows": rows,
        "password": password,
        "per_user": per_user_restaurants,
    }
    with connection.cursor() as cursor:
        for name, sql in steps:
            started = time.perf_counter()
            cursor.execute(with_model_defaults(sql, params), params)
            timings[name] = round(time.perf_counter() - started, 2)
            log(f"  loaded {name:<20} {timings[name]:>7.2f} s")
    timings["total"] = round(sum(timings.values()), 2)
    return timings
