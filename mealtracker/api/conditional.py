"""ETag / If-Match for versioned objects: a stale write is a 412, never a lost update."""

from mealtracker.errors import StaleWrite


def etag_for(obj) -> str:
    return f'"{obj.pk}-{obj.version}"'


def expected_version(request, obj) -> int | None:
    """The version the caller last read, from `If-Match`; None when the header is absent or `*`."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    for candidate in header.split(","):
        tag = candidate.strip().removeprefix("W/").strip('"')
        pk, _, version = tag.rpartition("-")
        if pk == str(obj.pk) and version.isdigit():
            return int(version)
    raise StaleWrite("This object changed since you read it (If-Match does not match); reload and try again.")
