"""The Permissions-Policy header: which browser features the pages may use at all.

Only two are used, both by our own pages: the camera (a receipt photo from the add-meal form) and geolocation
("near me" on the restaurants page). Every other powerful feature is switched off for us and for anything framed,
so an injected script or a third-party frame cannot reach the microphone, payment, USB and the like.
"""

from django.conf import settings


def header_value(policy: dict[str, list[str]]) -> str:
    """`{"camera": ["self"], "usb": []}` as `camera=(self), usb=()`."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class PermissionsPolicyMiddleware:
    """Adds `settings.PERMISSIONS_POLICY` to every response that does not set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = header_value(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response
