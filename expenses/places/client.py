"""A small client for Places API (New): `places:searchText` and `places/{id}`, cached in Django's cache.

The key is a server key (API- and IP-restricted) sent in `X-Goog-Api-Key`, never shown in a page. Each call
asks only for the fields of its billing tier (`X-Goog-FieldMask`), because Google bills by the richest field.
"""

import hashlib
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache

from mealtracker.errors import DomainError, NotFound

logger = logging.getLogger(__name__)

TIERS = ("essentials", "pro", "enterprise")
# Place Details (New) fields by SKU; each tier includes the ones before it.
DETAILS_FIELDS = {
    "essentials": ["id", "addressComponents", "formattedAddress", "location", "types"],
    "pro": ["displayName", "primaryType", "businessStatus", "googleMapsUri"],
    "enterprise": ["nationalPhoneNumber", "internationalPhoneNumber", "websiteUri", "priceLevel", "rating"],
}
# Text Search (New): below Pro it returns ids only; addresses and names are Pro, contact and price Enterprise.
SEARCH_FIELDS = {
    "essentials": ["places.id"],
    "pro": [
        "places.displayName", "places.formattedAddress", "places.addressComponents", "places.location",
        "places.types", "places.primaryType", "places.businessStatus",
    ],
    "enterprise": ["places.nationalPhoneNumber", "places.websiteUri", "places.priceLevel", "places.rating"],
}  # fmt: skip
PLACE_ID_RE = re.compile(r"^[A-Za-z0-9_\-]{10,300}$")
MAX_RESULTS = 20


class PlacesUnavailable(DomainError):
    """Google Places is switched off here, or did not answer properly."""

    status = HTTPStatus.SERVICE_UNAVAILABLE
    code = "places_unavailable"


def places_enabled() -> bool:
    return bool(settings.PLACES_API_KEY)


def field_mask(fields: dict[str, list[str]], tier: str) -> str:
    if tier not in TIERS:
        raise ValueError(f"Unknown Places billing tier {tier!r}.")
    return ",".join(name for level in TIERS[: TIERS.index(tier) + 1] for name in fields[level])


class PlacesClient:
    def __init__(self, *, api_key=None, base_url=None, timeout=None, cache_seconds=None, tier=None):
        self.api_key = api_key if api_key is not None else settings.PLACES_API_KEY
        self.base_url = (base_url or settings.PLACES_API_BASE_URL).rstrip("/")
        self.timeout = timeout or settings.PLACES_TIMEOUT_SECONDS
        self.cache_seconds = settings.PLACES_CACHE_SECONDS if cache_seconds is None else cache_seconds
        self.tier = tier or settings.PLACES_FIELD_TIER
        # urlopen also opens file: and ftp: URLs; only a web base URL may ever reach it (bandit B310).
        if urllib.parse.urlsplit(self.base_url).scheme not in {"https", "http"}:
            raise PlacesUnavailable("PLACES_API_BASE_URL must be an http(s) URL.")
        if not self.api_key:
            raise PlacesUnavailable("Place search is not set up on this server.")

    def search_text(
        self,
        query: str,
        *,
        latitude=None,
        longitude=None,
        radius_m: float | None = None,
        max_results: int = 10,
        tier: str | None = None,
    ) -> list[dict]:
        """Places matching a free-text query ("pizza near Harvard Square"), biased to a circle when given."""
        query = " ".join((query or "").split())
        if not query:
            raise DomainError("Type what to search for.", field="query")
        body: dict = {"textQuery": query[:200], "pageSize": max(1, min(int(max_results), MAX_RESULTS))}
        if latitude is not None and longitude is not None:
            body["locationBias"] = {
                "circle": {
                    "center": {"latitude": float(latitude), "longitude": float(longitude)},
                    "radius": max(1.0, min(float(radius_m or 5000), 50_000.0)),
                }
            }
        mask = field_mask(SEARCH_FIELDS, tier or self.tier)
        return self._call("POST", "/places:searchText", mask, body).get("places", [])

    def place(self, place_id: str, *, tier: str | None = None) -> dict:
        """One place's details at the given billing tier."""
        if not PLACE_ID_RE.match(place_id or ""):
            raise DomainError("That is not a place id.", field="place_id")
        mask = field_mask(DETAILS_FIELDS, tier or self.tier)
        return self._call("GET", f"/places/{urllib.parse.quote(place_id)}", mask)

    def _call(self, method: str, path: str, mask: str, body: dict | None = None) -> dict:
        payload = json.dumps(body, sort_keys=True).encode() if body is not None else None
        key = (
            "places:"
            + hashlib.sha256(f"{method} {self.base_url}{path} {mask} ".encode() + (payload or b"")).hexdigest()
        )
        cached = cache.get(key)
        if cached is not None:
            return cached
        request = urllib.request.Request(  # noqa: S310 - the base URL is configuration (https in production)
            f"{self.base_url}{path}",
            data=payload,
            method=method,
            headers={
                "X-Goog-Api-Key": self.api_key,
                "X-Goog-FieldMask": mask,
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            # B310 is silenced: the scheme is checked to be http(s) in __init__.
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310
                data = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:500].decode("utf-8", "replace")
            logger.warning("Places %s %s answered %s: %s", method, path, exc.code, detail)
            if exc.code == HTTPStatus.NOT_FOUND:
                raise NotFound("Google has no such place.", field="place_id") from exc
            if exc.code == HTTPStatus.BAD_REQUEST and "place" in path:
                raise DomainError("Google did not accept this place id.", field="place_id") from exc
            if exc.code == HTTPStatus.TOO_MANY_REQUESTS:
                raise PlacesUnavailable("Place search is busy (quota reached). Try again later.") from exc
            raise PlacesUnavailable(f"Google Places answered with an error ({exc.code}). Try again later.") from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            logger.warning("Places %s %s failed: %s", method, path, exc)
            raise PlacesUnavailable("Google Places did not answer in time. Try again later.") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise PlacesUnavailable("Google Places sent an answer we could not read.") from exc
        if not isinstance(data, dict):
            raise PlacesUnavailable("Google Places sent an answer we could not read.")
        cache.set(key, data, self.cache_seconds)
        return data
