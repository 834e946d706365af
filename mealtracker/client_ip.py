"""The client's address, as far as the proxies we trust can vouch for it. Every throttle and django-axes use it.

`X-Forwarded-For` is written by whoever sends the request; each proxy on the way appends the address it received
the request from. Only the entries appended by our own proxies can be believed, so with `TRUSTED_PROXY_COUNT` = n
the client is the n-th entry from the right, and anything to the left of it is what the client chose to send.

- Locally and behind nothing (n = 0) the header is ignored and the socket's peer, `REMOTE_ADDR`, is the client.
- On Lambda (n = 1): the regional API Gateway appends the address it was connected from (the same as the event's
  `requestContext.identity.sourceIp`). Zappa's handler sets `REMOTE_ADDR` to the *second-to-last* entry when there
  are several (it assumes an edge-optimised API with CloudFront in front), which is the client's own choice on a
  regional API, so `REMOTE_ADDR` is not used there.
- An edge-optimised API, or a CloudFront distribution or load balancer of our own in front of API Gateway, adds one
  hop each: raise the count to match.
"""

import ipaddress

from django.conf import settings

UNKNOWN = "unknown"  # the key of requests without a usable address: they share one budget


def client_ip(request) -> str:
    """The client's IP address under `settings.TRUSTED_PROXY_COUNT` (Django's or DRF's request)."""
    meta = request.META
    trusted = settings.TRUSTED_PROXY_COUNT
    if trusted > 0:
        hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            # Fewer entries than trusted proxies: the request skipped one of them; the leftmost is the best we know.
            return _address(hops[-min(trusted, len(hops))]) or _address(meta.get("REMOTE_ADDR")) or UNKNOWN
    return _address(meta.get("REMOTE_ADDR")) or UNKNOWN


def _address(text: str | None) -> str | None:
    """The address in canonical form, or None for anything that is not one (a port is not expected here)."""
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return None
