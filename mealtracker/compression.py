"""Gzip for the app's own text responses: pages, htmx fragments, JSON, CSV and the service worker.

Static files never reach this (WhiteNoise, above it, answers them with its own precompressed copies). Receipts,
spreadsheets and PDFs are sent as they are: they are compressed formats already, and gzipping them again only
costs time. Why compressing pages is safe here (BREACH) is in docs/decisions.md ("Compressed pages").
"""

from django.middleware.gzip import GZipMiddleware

TEXT_TYPES = ("text/", "application/javascript", "image/svg+xml")


def is_text(content_type: str) -> bool:
    """HTML, CSS, scripts, CSV and every JSON type (problem+json, the manifest, the OpenAPI schema)."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith(TEXT_TYPES) or media_type.endswith(("/json", "+json", "+yaml", "/yaml"))


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its random gzip-header padding against length attacks), text types only."""

    def process_response(self, request, response):
        if not is_text(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
