"""An import through the API (upload, then apply) runs as many queries for 200 rows as for 20."""

import datetime
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from reports.tests.factories import MealPolicyFactory

pytestmark = pytest.mark.django_db


def meals_file(rows: int) -> bytes:
    """The benchmark's shape: one meal a row, 50 restaurants named again and again, every row a different amount."""
    start = datetime.datetime.now(tz=datetime.UTC).date() - datetime.timedelta(days=300)
    lines = ["date,time,amount,currency,meal_type,restaurant,notes,business_meal,purpose"]
    for n in range(rows):
        day = start + datetime.timedelta(days=n % 290)
        business = "yes" if n % 3 == 0 else ""
        lines.append(f"{day},{8 + n % 12}:{n % 60:02d},{5 + n % 90}.{n % 100:02d},USD,lunch,Imported {n % 50},"
                     f"row {n},{business},{'Client' if business else ''}")  # fmt: skip
    return ("\n".join(lines) + "\n").encode()


def test_uploading_and_applying_run_the_same_queries_for_200_rows_as_for_20(api_client_for, team_a, monkeypatch):
    MealPolicyFactory(team=team_a, meal_type="lunch", max_per_person="20.00")
    if connection.vendor == "sqlite":  # Django assumes 999 parameters; this SQLite takes 250,000, so one INSERT
        monkeypatch.setattr(connection.features, "max_query_params", 250_000)

    def queries_to_import(rows: int) -> tuple[int, int]:
        client = api_client_for(UserFactory(team=team_a))
        with CaptureQueriesContext(connection) as upload:
            uploaded = client.post("/api/v1/imports/", {"file": SimpleUploadedFile("meals.csv", meals_file(rows))},
                                   format="multipart")  # fmt: skip
        assert uploaded.status_code == HTTPStatus.CREATED, uploaded.content[:300]
        with CaptureQueriesContext(connection) as apply:
            applied = client.post(f"/api/v1/imports/{uploaded.json()['id']}/apply/")
        assert applied.status_code == HTTPStatus.OK, applied.content[:300]
        assert applied.json()["result"]["created"] == rows
        return len(upload), len(apply)

    assert queries_to_import(20) == queries_to_import(200)
