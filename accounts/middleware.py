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
