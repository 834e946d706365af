from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from mealtracker.errors import DomainError


class InvalidFields(DomainError):
    """Several fields failed model validation; `errors` maps each field to its messages."""

    code = "invalid"

    def __init__(self, errors: dict[str, list[str]]):
        field, messages = next(iter(errors.items()))
        super().__init__(" ".join(messages), field=None if field == NON_FIELD_ERRORS else field)
        self.errors = errors


def validation_error_to_domain(exc: ValidationError) -> DomainError:
    if hasattr(exc, "error_dict"):
        return InvalidFields({field: [str(m) for m in messages] for field, messages in exc.message_dict.items()})
    return DomainError(" ".join(exc.messages))


def full_clean_or_raise(instance, *, exclude=None) -> None:
    """Model validation (fields, clean(), constraints) turned into a DomainError naming each field."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise validation_error_to_domain(exc) from exc
