"""Permission-matrix rows for the reports API (format: mealtracker/tests/test_api_permission_matrix.py)."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from mealtracker.tests.api_matrix import Row

SIGNED_IN_200 = (401, 200, 200, 200, 200, 200)
SIGNED_IN_201 = (401, 201, 201, 201, 201, 201)
# Personal things (budgets, imports, notices): only their owner sees them, admins included.
OWN_ONLY_200 = (401, 200, 404, 404, 404, 404)
OWN_ONLY_204 = (401, 204, 404, 404, 404, 404)
# Team things (team budgets, meal policies): the team reads, its managers (and admins) change.
TEAM_READ = (401, 200, 200, 200, 404, 200)
# The merchant catalogue's files: admins only.
ADMIN_ONLY_200 = (401, 403, 403, 403, 403, 200)
CSV = b"date,payee,amount\n2026-03-02,Matrix Diner,12.50\n"


def _budget(world):
    from reports.tests.factories import BudgetFactory

    return {"pk": BudgetFactory(user=world.member).pk}


def _team_budget(world):
    from reports.tests.factories import BudgetFactory

    return {"pk": BudgetFactory(user=None, team=world.team).pk}


def _policy(world):
    from reports.tests.factories import MealPolicyFactory

    return {"pk": MealPolicyFactory(team=world.team, meal_type="lunch").pk}


def _notice(world):
    from reports.models import Notice

    return {"pk": Notice.objects.create(recipient=world.member, message="Budget reached 80 %").pk}


def _batch(world):
    from reports.services.imports import import_batch_create

    return import_batch_create(owner=world.member, filename="card.csv", payload=CSV)


def _row(world):
    batch = _batch(world)
    return {"pk": batch.pk, "row_pk": batch.rows.get().pk}


RESTAURANTS_CSV = b"name,city,country\nMatrix Bistro,Lyon,FR\n"


def _restaurant_batch(world):
    from reports.services.restaurant_imports import restaurant_import_batch_create

    return restaurant_import_batch_create(owner=world.member, filename="places.csv", payload=RESTAURANTS_CSV)


def _restaurant_row(world):
    batch = _restaurant_batch(world)
    return {"pk": batch.pk, "row_pk": batch.rows.get().pk}


ROWS = [
    Row("reports_api:report-index", "get", SIGNED_IN_200),
    Row("reports_api:report", "get", SIGNED_IN_200, kwargs={"kind": "summary"}),
    Row("reports_api:report", "get", (401, 403, 403, 200, 200, 200), kwargs={"kind": "summary"},
        data={"scope": "team"}, label="team"),
    Row("reports_api:report", "get", (401, 403, 403, 403, 403, 200), kwargs={"kind": "totals"},
        data={"scope": "everyone"}, label="everyone"),
    Row("reports_api:budget-list", "get", SIGNED_IN_200),
    Row("reports_api:budget-list", "post", SIGNED_IN_201, data={"amount": "100.00"}),
    Row("reports_api:budget-list", "post", (401, 400, 400, 201, 400, 201),
        data=lambda w: {"amount": "500.00", "team": w.team.pk}, label="team"),
    Row("reports_api:budget-detail", "get", OWN_ONLY_200, kwargs=_budget),
    Row("reports_api:budget-detail", "get", TEAM_READ, kwargs=_team_budget, label="team"),
    Row("reports_api:budget-detail", "patch", OWN_ONLY_200, kwargs=_budget, data={"amount": "80.00"}),
    Row("reports_api:budget-detail", "patch", (401, 403, 403, 200, 404, 200), kwargs=_team_budget,
        data={"amount": "80.00"}, label="team"),
    Row("reports_api:budget-detail", "delete", OWN_ONLY_204, kwargs=_budget),
    Row("reports_api:notice-list", "get", SIGNED_IN_200),
    Row("reports_api:notice-read", "post", OWN_ONLY_200, kwargs=_notice),
    Row("reports_api:meal-policy-list", "get", SIGNED_IN_200),
    Row("reports_api:meal-policy-list", "post", (401, 400, 400, 201, 400, 201),
        data=lambda w: {"team": w.team.pk, "meal_type": "dinner", "max_per_person": str(Decimal("45.00"))}),
    Row("reports_api:meal-policy-detail", "get", TEAM_READ, kwargs=_policy),
    Row("reports_api:meal-policy-detail", "delete", (401, 403, 403, 204, 404, 204), kwargs=_policy),
    Row("reports_api:policy-flag-list", "get", SIGNED_IN_200),
    Row("reports_api:export-my-data", "get", SIGNED_IN_200),
    Row("reports_api:export-expenses", "get", SIGNED_IN_200, kwargs={"file_format": "csv"}),
    Row("reports_api:export-report", "get", SIGNED_IN_200, kwargs={"kind": "summary", "file_format": "xlsx"}),
    Row("reports_api:export-summary", "get", SIGNED_IN_200),
    Row("reports_api:import-list", "get", SIGNED_IN_200),
    Row("reports_api:import-list", "post", SIGNED_IN_201, format="multipart",
        data=lambda w: {"file": SimpleUploadedFile("card.csv", CSV, content_type="text/csv")}),
    Row("reports_api:import-detail", "get", OWN_ONLY_200, kwargs=lambda w: {"pk": _batch(w).pk}),
    Row("reports_api:import-detail", "delete", OWN_ONLY_204, kwargs=lambda w: {"pk": _batch(w).pk}),
    Row("reports_api:import-rows", "get", OWN_ONLY_200, kwargs=lambda w: {"pk": _batch(w).pk}),
    Row("reports_api:import-row", "patch", OWN_ONLY_200, kwargs=_row, data={"action": "skip"}),
    Row("reports_api:import-apply", "post", OWN_ONLY_200, kwargs=lambda w: {"pk": _batch(w).pk}),
    Row("reports_api:export-restaurants", "get", SIGNED_IN_200, kwargs={"file_format": "json"}),
    Row("reports_api:export-merchants", "get", ADMIN_ONLY_200, kwargs={"file_format": "json"}),
    Row("reports_api:merchant-import", "post", ADMIN_ONLY_200, format="multipart",
        data=lambda w: {"file": SimpleUploadedFile("brands.csv", b"name\nMatrix Brand\n", content_type="text/csv")}),
    Row("reports_api:restaurant-import-list", "get", SIGNED_IN_200),
    Row("reports_api:restaurant-import-list", "post", SIGNED_IN_201, format="multipart",
        data=lambda w: {"file": SimpleUploadedFile("places.csv", RESTAURANTS_CSV, content_type="text/csv")}),
    Row("reports_api:restaurant-import-detail", "get", OWN_ONLY_200, kwargs=lambda w: {"pk": _restaurant_batch(w).pk}),
    Row("reports_api:restaurant-import-detail", "delete", OWN_ONLY_204,
        kwargs=lambda w: {"pk": _restaurant_batch(w).pk}),
    Row("reports_api:restaurant-import-rows", "get", OWN_ONLY_200, kwargs=lambda w: {"pk": _restaurant_batch(w).pk}),
    Row("reports_api:restaurant-import-row", "patch", OWN_ONLY_200, kwargs=_restaurant_row, data={"action": "skip"}),
    Row("reports_api:restaurant-import-apply", "post", OWN_ONLY_200,
        kwargs=lambda w: {"pk": _restaurant_batch(w).pk}),
]  # fmt: skip
