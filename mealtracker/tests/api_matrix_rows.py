"""Permission-matrix rows for the /api/ plumbing: schema, docs, browsable-API login, the JSON 404."""

from accounts.tests.factories import TEST_PASSWORD
from mealtracker.tests.api_matrix import Row

ROWS = [
    Row("api-schema", "get", (200,) * 6),
    Row("api-docs", "get", (200,) * 6),
    Row("rest_framework:login", "get", (200,) * 6),
    Row(
        "rest_framework:login", "post", (302,) * 6,
        data=lambda w: {"username": w.member.email, "password": TEST_PASSWORD}, format="multipart",
    ),
    Row("rest_framework:login", "put", (200,) * 6, data={}, label="an empty form is shown again"),
    Row("rest_framework:logout", "post", (302,) * 6, data={}),
    Row("api-not-found", "get", (404,) * 6, kwargs={"unmatched": "v1/no-such-thing/"}),
]  # fmt: skip
