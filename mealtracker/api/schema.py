"""OpenAPI post-processing: every operation documents its errors as problem details.

Without this the schema lists only success responses, and a client generated from it (or a fuzzer checking
responses against it) cannot know that a 400, 404 or 409 is a `ProblemDetails` document.
"""

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details (`application/problem+json`).",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["type", "title", "status", "detail", "code", "errors"],
}
PROBLEM_RESPONSE = {
    "description": "An error, as problem details.",
    "content": {
        media: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}
        for media in ("application/problem+json", "application/json")
    },
}
ERROR_RESPONSES = {
    "4XX": PROBLEM_RESPONSE,  # validation, auth, permission, not found, conflict, precondition, throttling
    "503": {**PROBLEM_RESPONSE, "description": "The database is unavailable for a moment; retry after Retry-After."},
}


def add_problem_responses(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry: a ProblemDetails component and error responses on each operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["ProblemDetails"] = PROBLEM_SCHEMA
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, response in ERROR_RESPONSES.items():
                responses.setdefault(status, response)
    return result
