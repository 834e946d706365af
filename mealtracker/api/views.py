"""The /api/ plumbing views: the JSON 404 for unknown routes and the schema and docs pages."""

from django.urls import Resolver404, resolve
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

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


def view_on_first_request(dotted_path: str):
    """The class-based view at `dotted_path`, imported when it is first asked for. The schema and docs views import
    drf-spectacular's schema generator, which every worker would otherwise load with the URLs (~0.15 s and a few
    MiB) for pages few requests ask for. Exempt from CSRF like every DRF view (APIView.as_view)."""
    view = None

    @csrf_exempt
    def dispatch(request, *args, **kwargs):
        nonlocal view
        if view is None:
            view = import_string(dotted_path).as_view()
        return view(request, *args, **kwargs)

    return dispatch
