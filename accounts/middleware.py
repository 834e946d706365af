"""Pages and the admin in the signed-in user's own timezone."""

from django.utils import timezone

from mealtracker.api.problems import DATABASE_ERRORS

# The API states its timezones itself (an expense's time in its owner's zone, stamps in UTC), the same for a
# token and a session; the current timezone would shift DRF's other datetimes by who asked and how.
API_PATH_PREFIX = "/api/"


class UserTimezoneMiddleware:
    """For a signed-in user outside the API, the user's timezone is current while the request is served.

    Datetimes on web pages and in the admin (change lists, forms, date filters) are shown in it, and a time typed
    in a form is read in it. Anyone else, and the API, get UTC. The previous zone comes back afterwards.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with timezone.override(self._zone_for(request)):
            return self.get_response(request)

    @staticmethod
    def _zone_for(request):
        if request.path_info.startswith(API_PATH_PREFIX):
            return None
        try:
            user = request.user
            return user.tzinfo if user.is_authenticated else None
        except DATABASE_ERRORS:
            # Leave it to the view: there the lost database becomes the site's 503 page, not a 500.
            return None


# What an auditor may still send: signing in and out, their own password and profile, and asking for a report's
# bundle to be built (it adds a file to read, it changes no expense).
AUDITOR_WRITABLE_PREFIXES = ("/accounts/", "/admin/login/", "/admin/logout/", "/api/v1/auth/", "/api/auth/")
AUDITOR_WRITABLE_VIEWS = {
    "report_bundle",
    "expenses_api:report-bundle",
    # Their own notifications: marking them read, e-mail preferences, the unsubscribe link.
    "notification_open",
    "notifications_read_all",
    "notification_preferences",
    "notifications_unsubscribe",
    "expenses_api:notification-read",
    "expenses_api:notification-read-all",
    "expenses_api:notification-preferences",
}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class AuditorReadOnlyMiddleware:
    """Auditors read and never write: any other request that could change something is a 403, on pages, in the
    admin and in the API (whether signed in by session or by bearer token). Services stay the second guard."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS or request.path_info.startswith(AUDITOR_WRITABLE_PREFIXES):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in AUDITOR_WRITABLE_VIEWS:
            return None
        user = self._user_of(request)
        if user is None or not user.is_auditor:
            return None
        detail = "Auditors read only; they cannot change anything."
        if request.path_info.startswith(API_PATH_PREFIX):
            from mealtracker.api.problems import problem_json_response

            return problem_json_response(403, detail=detail, code="read_only_role")
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(detail)

    @staticmethod
    def _user_of(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        if not request.path_info.startswith(API_PATH_PREFIX) or "HTTP_AUTHORIZATION" not in request.META:
            return None
        # A bearer token is read by the API views themselves; read it here too so the rule has one place.
        from rest_framework.exceptions import APIException
        from rest_framework.request import Request
        from rest_framework_simplejwt.authentication import JWTAuthentication

        try:
            found = JWTAuthentication().authenticate(Request(request))
        except APIException:
            return None  # the view answers 401 itself
        return found[0] if found else None
