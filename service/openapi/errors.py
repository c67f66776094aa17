"""The error bodies of the API as named schemas (api.md section 7, service/api/responses.py),
in the shape each version gives them."""

from __future__ import annotations

from typing import Any

from service.openapi.document import TEXT, ref
from service.versions import ApiVersion

STRINGS: dict[str, Any] = {"type": "array", "items": TEXT}


def _object(properties: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "required": list(properties),
        "properties": properties,
    }


def _grouped(version: ApiVersion) -> dict[str, Any]:
    """What `errors` of a failed trainee write can be besides a list: the second-stage
    sections ({section: {field: [...]}}), and, with `Enhanced-Errors: true` where the version
    has them, messages by field (nested under degrees_attributes or placements_attributes)."""
    if version.enhanced_errors == "none":
        return {
            "type": "object",
            "description": "messages by second-stage section, then by field",
            "additionalProperties": ref("FieldErrors"),
        }
    return {
        "type": "object",
        "description": "messages by field or by second-stage section (`Enhanced-Errors: true`)",
        "additionalProperties": {"anyOf": [STRINGS, ref("FieldErrors")]},
    }


def error_schemas(version: ApiVersion) -> dict[str, Any]:
    """Every error body this version answers."""
    return {
        "Unauthorized": _object({"error": TEXT}, "401: no valid token (no `errors` array)"),
        "Error": _object({"error": TEXT, "message": TEXT}, "one error: its kind and message"),
        "ErrorList": _object(
            {"errors": {"type": "array", "items": ref("Error")}},
            "not found, conflict, precondition failed, too large, unavailable, and the "
            "validation of placements, degrees and actions",
        ),
        "MessageList": _object(
            {"errors": STRINGS}, "malformed JSON (400), or a body without a `data` object (422)"
        ),
        "RoutingNotFound": _object(
            {"status_code": {"type": "integer"}, "detail": TEXT},
            "404 for a path that is not routed at all (a version segment that is no version)",
        ),
        "FieldErrors": {
            "type": "object",
            "description": "messages keyed by field",
            "additionalProperties": STRINGS,
        },
        "TraineeErrors": _object(
            {"message": TEXT, "errors": {"anyOf": [STRINGS, ref("GroupedErrors")]}},
            "a trainee create or update refused: `message` counts the problems",
        ),
        "GroupedErrors": _grouped(version),
        "FilterErrors": _object(
            {"message": TEXT, "errors": ref("FieldErrors")},
            "GET /trainees parameters refused, messages keyed by parameter",
        ),
        "DuplicateTrainee": _object(
            {
                "errors": {"type": "array", "items": ref("Error")},
                "data": {"type": "array", "items": ref("Trainee")},
            },
            "the provider's trainees the new one duplicates",
        ),
        "DuplicateDegree": _object(
            {
                "errors": {"type": "array", "items": ref("Error")},
                "data": {"type": "array", "items": ref("Degree")},
            },
            "the trainee's degrees the new one duplicates",
        ),
    }
