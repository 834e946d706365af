"""The one exception family for business-rule failures; web, API, admin and commands all translate it."""

from http import HTTPStatus


class DomainError(Exception):
    """A rule the caller broke. `field` names the input at fault, when there is one."""

    status = HTTPStatus.BAD_REQUEST
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotFound(DomainError):
    status = HTTPStatus.NOT_FOUND
    code = "not_found"


class NotAllowed(DomainError):
    """The caller may see the object but not do this to it."""

    status = HTTPStatus.FORBIDDEN
    code = "permission_denied"


class Conflict(DomainError):
    """The object's state forbids the change (an illegal status transition, a duplicate)."""

    status = HTTPStatus.CONFLICT
    code = "conflict"


class StaleWrite(DomainError):
    """The object changed since the caller read it (optimistic concurrency)."""

    status = HTTPStatus.PRECONDITION_FAILED
    code = "stale"
