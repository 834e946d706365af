"""The /api/ plumbing views: the JSON 404 for unknown routes and the schema and docs pages."""

from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from mealtracker.api.problems import problem_json_response


# Exempt: it changes nothing, and a DELETE to /api/v1/budgets/abc/ must be a JSON 404, not an HTML CSRF 403.
@csrf_exempt
def api_not_found(request, unmatched=""):
    """Unknown routes under /api/ answer a problem document, never the HTML 404 page."""
    detail = f"There is no API endpoint at {request.path}."
    if not request.path.endswith("/"):
        try:
            resolve(request.path + "/")
        except Resolver404:
            pass
        else:
            detail += f" Did you mean {request.path}/ (with a trailing slash)?"
    return problem_json_response(404, detail=detail, code="not_found")


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 document; public, like the docs page that reads it."""


class SwaggerDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from locally served assets; its start-up script and its page styles are files (CSP script-src and
    style-src 'self')."""

    url_name = "api-schema"
    template_name = "api/swagger_ui.html"
