"""The OpenAPI schema and its Swagger UI page (served through `view_on_first_request`, mealtracker/api/views.py)."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 document; public, like the docs page that reads it."""


class SwaggerDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from locally served assets; its start-up script and its page styles are files (CSP script-src and
    style-src 'self')."""

    url_name = "api-schema"
    template_name = "api/swagger_ui.html"
