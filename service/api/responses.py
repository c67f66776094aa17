"""Response bodies of the API, built in one place (api.md section 7)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
from litestar import Response

from domain.errors import Problem
from service.versions import ApiVersion

STATE_TRANSITION_MESSAGE = (
    "It’s not possible to perform this action while the trainee is in its current state"
)
NESTED = ("degrees_attributes", "placements_attributes")


class ApiError(Exception):
    """An answer other than success, carrying its status, body and headers."""

    def __init__(self, status: int, body: object, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = dict(headers or {})


def json(
    body: object, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response[bytes]:
    """A JSON response encoded with msgspec."""
    return Response(
        content=msgspec.json.encode(body),
        status_code=status,
        media_type="application/json",
        headers=dict(headers or {}),
    )


def raw_json(
    content: bytes, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response[bytes]:
    """A response whose JSON is already encoded."""
    return Response(
        content=content,
        status_code=status,
        media_type="application/json",
        headers=dict(headers or {}),
    )


def errors(kind: str, message: str) -> dict[str, Any]:
    """The {"errors": [{"error", "message"}]} body."""
    return {"errors": [{"error": kind, "message": message}]}


def not_found(message: str = "Not found") -> ApiError:
    """404 with the NotFound body."""
    return ApiError(404, errors("NotFound", message))


UNAUTHORIZED = ApiError(401, {"error": "Unauthorized"})
STATE_TRANSITION = ApiError(422, errors("StateTransitionError", STATE_TRANSITION_MESSAGE))


TRAINEE_NOT_FOUND = "Trainee(s) not found"
NO_TRAINEES = "No trainees found"
DUPLICATE_TRAINEE = "This trainee is already in Register"
DUPLICATE_DEGREE = "This is a duplicate degree"
MISSING_DATA = "Param is missing or the value is empty or invalid: data"


def missing_data(message: str = MISSING_DATA) -> ApiError:
    """422 for a body without a `data` object."""
    return ApiError(422, {"errors": [message]})


def counted(n: int, what: str) -> str:
    """`Validation failed: 2 errors prohibited this <what>`."""
    return f"Validation failed: {n} error{'' if n == 1 else 's'} prohibited this {what}"


def trainee_invalid(problems: Sequence[Problem], version: ApiVersion, enhanced: bool) -> ApiError:
    """422 for a trainee create or update (family A); with enhanced errors, messages grouped by
    field, nested under degrees_attributes / placements_attributes where the version nests."""
    message = counted(len(problems), "trainee from being saved")
    texts = [version.full_message(p) for p in problems]
    if not enhanced or version.enhanced_errors == "none":
        return ApiError(422, {"message": message, "errors": texts})
    grouped: dict[str, Any] = {}
    for p, text in zip(problems, texts, strict=True):
        if version.enhanced_errors == "nested" and p.nested_under in NESTED:
            nested = grouped.setdefault(p.nested_under, {})
            nested.setdefault(version.wire_name(p.field), []).append(p.message)
        else:
            key, _, rest = text.partition(" ")
            grouped.setdefault(key, []).append(rest)
    return ApiError(422, {"message": message, "errors": grouped})


def unprocessable(
    problems: Sequence[Problem], version: ApiVersion, *, may_humanise: bool = True
) -> ApiError:
    """422 for every other validation (family B)."""
    return ApiError(
        422,
        {
            "errors": [
                {
                    "error": "UnprocessableEntity",
                    "message": version.full_message(p, may_humanise=may_humanise),
                }
                for p in problems
            ]
        },
    )


def filter_invalid(problems: Mapping[str, list[str]]) -> ApiError:
    """422 for bad GET /trainees parameters: errors keyed by parameter."""
    count = sum(len(v) for v in problems.values())
    return ApiError(422, {"message": counted(count, "request being run"), "errors": dict(problems)})


CONFLICT_CHANGED = ApiError(
    409,
    errors("Conflict", "The trainee was changed by another request; read it again and retry"),
)
UNAVAILABLE = ApiError(
    503, errors("ServiceUnavailable", "The service is busy; try again in a few seconds")
)
