"""Who may do what through the API: one parametrised test over role x endpoint x action → status.

Rows live next to each app, in `ROWS` lists of `Row` (mealtracker/tests/api_matrix.py) in:

    accounts/tests/api_matrix_rows.py, expenses/tests/api_matrix_rows.py, reports/tests/api_matrix_rows.py,
    mealtracker/tests/api_matrix_rows.py

A row names a route and an HTTP method and gives the status each role gets, in this order:
(anonymous, member, other_member, manager, other_manager, admin). The objects in the URL and body come from a
`World` (the member and the member's restaurant, category, tag, expense, receipt...; `w.business_expense(status)`
makes a business meal in a given status); a row may also build its own objects in its callables:

    Row(
        "expenses_api:expense-detail", "patch",
        expect=(401, 200, 404, 403, 404, 200),
        kwargs=lambda w: {"pk": w.expense.pk},
        data={"notes": "Team lunch"},
    )

`format="multipart"` sends the body as a form (file uploads); `label` tells apart two rows of one route and
method. Every route under /api/ in the URLconf, with every HTTP method it answers, needs at least one row:
`test_every_api_route_and_method_has_a_matrix_row` fails for a new route without one, and for a row whose
route no longer exists.
"""

import importlib

import pytest
from django.urls import URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from mealtracker.tests.api_matrix import (  # noqa: F401 - autouse fixtures
    AUDITOR,
    ROLES,
    Row,
    World,
    fake_places_server,
    places_server,
    receipts_bucket,
)

ROW_MODULES = [
    "accounts.tests.api_matrix_rows",
    "expenses.tests.api_matrix_rows",
    "reports.tests.api_matrix_rows",
    "mealtracker.tests.api_matrix_rows",
]
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def collect_rows() -> list[Row]:
    rows = []
    for module in ROW_MODULES:
        rows.extend(importlib.import_module(module).ROWS)
    return rows


ROWS = collect_rows()


def _methods(callback) -> set[str]:
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if getattr(callback, "actions", None):  # a DRF viewset route: the router's methods the viewset allows
        return {m for m in callback.actions if m in HTTP_METHODS and m in view_class.http_method_names}
    if view_class is None:  # a plain function view
        return {"get"}
    return {m for m in HTTP_METHODS if hasattr(view_class, m) and m in view_class.http_method_names}


def api_routes() -> set[tuple[str, str]]:
    """(namespaced URL name, method) of every route under /api/."""
    found = set()

    def walk(patterns, prefix, namespace):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace]))
                walk(pattern.url_patterns, route, inner)
            elif route.startswith("api/"):
                name = ":".join(filter(None, [namespace, pattern.name]))
                found.update((name, method) for method in _methods(pattern.callback))

    walk(get_resolver().url_patterns, "", "")
    return found


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The cast's passwords are hashed once per test; the production hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(member, teammate, manager, other_manager, site_admin):
    from accounts.tests.factories import AuditorFactory

    auditor = AuditorFactory(email="auditor@example.com")
    auditor.audited_teams.add(member.team)
    return World(
        member=member,
        other_member=teammate,
        manager=manager,
        other_manager=other_manager,
        admin=site_admin,
        auditor=auditor,
    )


def call(row: Row, world: World, role: str):
    kwargs, data = row.resolve(world)
    client = APIClient()
    user = world.user_for(role)
    if role == AUDITOR:
        # A real bearer token: the auditor's read-only rule is checked before any view authenticates.
        from rest_framework_simplejwt.tokens import RefreshToken

        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    elif user is not None:
        client.force_authenticate(user=user)
    url = reverse(row.route, kwargs=kwargs)
    return getattr(client, row.method)(url, data=data, format=row.format if data is not None else None)


def test_every_api_route_and_method_has_a_matrix_row():
    routes = api_routes()
    covered = {(row.route, row.method) for row in ROWS}
    assert sorted(routes - covered) == [], "add rows for these routes to an api_matrix_rows.py"
    assert sorted(covered - routes) == [], "these rows name routes or methods that no longer exist"


@pytest.mark.parametrize(
    ("row", "role"),
    [pytest.param(row, role, id=f"{row.id}|{role}") for row in ROWS for role in (*ROLES, AUDITOR)],
)
def test_role_gets_expected_status(row, role, world):
    response = call(row, world, role)
    expected = row.expected(role)
    assert response.status_code == expected, getattr(response, "data", None) or response.content[:300]
