"""Everything under /api/: version 1 of each app's API, the schema and docs, and a JSON 404 for the rest."""

from django.urls import include, path, re_path

from mealtracker.api.views import api_not_found, view_on_first_request

urlpatterns = [
    path("v1/", include("accounts.api.urls")),
    path("v1/", include("expenses.api.urls")),
    path("v1/", include("reports.api.urls")),
    path("schema/", view_on_first_request("mealtracker.api.schema_views.SchemaView"), name="api-schema"),
    path("docs/", view_on_first_request("mealtracker.api.schema_views.SwaggerDocsView"), name="api-docs"),
    # Session login for the browsable API (rest_framework:login / rest_framework:logout), throttled like the others.
    path("auth/", include("accounts.api.session_urls")),
    # `[\s\S]`, not `.`: a path holding an encoded newline (`/api/v1/imports/%0A/rows/`) is under /api/ too.
    re_path(r"^(?P<unmatched>[\s\S]*)$", api_not_found, name="api-not-found"),
]
