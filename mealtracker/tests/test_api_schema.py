"""The OpenAPI schema validates, the docs page works offline, and endpoints answer as documented."""

import copy
import re
from functools import lru_cache
from http import HTTPStatus
from io import StringIO

import jsonschema
import pytest
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from mealtracker.tests.api_matrix import (  # noqa: F401 - autouse fixtures
    ROLES,
    World,
    fake_places_server,
    places_server,
    receipts_bucket,
)
from mealtracker.tests.test_api_permission_matrix import ROWS, call


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@lru_cache(maxsize=1)
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _json_schema(node):
    """OpenAPI 3.0 as JSON Schema (`nullable`, unchecked formats), so jsonschema validates what it means."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _json_schema(value) for key, value in node.items()}
    if "oneOf" in node:  # formats are not checked here, so "" may match both "uri" and "blank"
        node["anyOf"] = node.pop("oneOf")
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def operation_for(path: str, method: str):
    # A literal path (/rewards-programs/export/) wins over a template that also matches it (/rewards-programs/{id}/),
    # as in Django's URL resolution of these routes.
    matches = [
        (template.count("{"), operations[method])
        for template, operations in openapi()["paths"].items()
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path) and method in operations
    ]
    return min(matches, key=lambda match: match[0])[1] if matches else None


def documented_rows():
    """Rows of schema operations, each with the first role that gets a success."""
    for row in ROWS:
        role = next((r for r, status in zip(ROLES, row.expect, strict=True) if status < 300), None)
        if role is not None and not row.route.startswith(("rest_framework:", "api-schema", "api-docs")):
            yield pytest.param(row, role, id=f"{row.id}|{role}")


@pytest.fixture
def world(member, teammate, manager, other_manager, site_admin):
    return World(member=member, other_member=teammate, manager=manager, other_manager=other_manager, admin=site_admin)


def test_schema_validates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"), stderr=StringIO()
    )


def test_schema_is_public_and_documents_bearer_auth(db):
    response = APIClient().get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == HTTPStatus.OK
    assert response.json()["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"


def test_docs_page_loads_its_assets_locally_without_inline_script(db):
    html = APIClient().get(reverse("api-docs")).content.decode()

    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    assert all("src=" in attributes for attributes in scripts)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_docs_start_up_script_is_served_by_the_site(db):
    response = APIClient().get(reverse("api-docs"), {"script": ""})

    assert response.status_code == HTTPStatus.OK
    assert "javascript" in response["Content-Type"]


def test_every_documented_operation_has_a_successful_matrix_row():
    tested = set()
    for param in documented_rows():
        row = param.values[0]
        template = row.route
        tested.add((template, row.method))
    operations = {
        (operation["operationId"], method) for operations in openapi()["paths"].values()
        for method, operation in operations.items() if method in {"get", "post", "patch", "put", "delete"}
    }  # fmt: skip
    assert len(operations) <= len(tested), "every documented operation needs a row with a success status"


@pytest.mark.parametrize(("row", "role"), list(documented_rows()))
def test_endpoint_responds_as_documented(row, role, world):
    response = call(row, world, role)
    operation = operation_for(response.wsgi_request.path, row.method)

    assert operation is not None, f"{response.wsgi_request.path} {row.method} is not in the schema"
    assert str(response.status_code) in operation["responses"]
    content = operation["responses"][str(response.status_code)].get("content", {})
    if "application/json" in content and response.status_code != HTTPStatus.NO_CONTENT:
        schema = copy.deepcopy(content["application/json"]["schema"])
        document = _json_schema({**schema, "components": openapi()["components"]})
        jsonschema.validate(response.json(), document)
