"""What each route handler of the API takes and answers: its body, success and error schemas,
headers and query parameters (the statuses are those the handler and the layers around it
can give)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.reference.payload import FIELDS
from service.api.filters import DEFAULT_PER_PAGE, FIRST_CYCLE, LAST_CYCLE
from service.openapi.document import ref
from service.queries import STATUS_CONDITIONS

Errors = Mapping[int, tuple[str, ...]]
# Every operation under /api can be throttled (429), meet a database that is away (503) or be
# sent to a version that does not exist (404; a segment that is no version at all is not routed
# and gets the plain 404 of routing).
ANY: Errors = {404: ("ErrorList", "RoutingNotFound"), 429: (), 503: ("ErrorList",)}
AUTHENTICATED: Errors = {**ANY, 401: ("Unauthorized",)}
READ = AUTHENTICATED
WRITE: Errors = {
    **READ,
    400: ("MessageList",),
    409: ("ErrorList",),
    413: ("ErrorList",),
    422: ("ErrorList", "MessageList"),
}
TRAINEE_WRITE: Errors = {**WRITE, 422: ("TraineeErrors", "ErrorList", "MessageList")}
REMOVE: Errors = {**READ, 409: ("ErrorList",), 422: ("ErrorList",)}


def _query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, "description": description, **extra}


TRAINEE_FILTERS = (
    _query("page", {"type": "integer", "minimum": 1, "default": 1}, "the page wanted"),
    _query(
        "per_page",
        {"type": "integer", "minimum": 1, "default": DEFAULT_PER_PAGE},
        "trainees per page (no maximum)",
    ),
    _query(
        "status",
        {"type": "array", "items": {"type": "string", "enum": list(STATUS_CONDITIONS)}},
        "only trainees in any of these statuses",
        style="form",
        explode=True,
    ),
    _query(
        "since",
        {"type": "string", "format": "date-time"},
        "only trainees updated at or after this time (a date is also accepted)",
    ),
    _query(
        "academic_cycle",
        {"type": "integer", "minimum": FIRST_CYCLE, "maximum": LAST_CYCLE},
        "the start year of the trainees' academic cycle (default: the current cycle)",
    ),
    _query("has_trn", {"type": "boolean"}, "only trainees with (true) or without (false) a TRN"),
    _query(
        "sort_order",
        {"type": "string", "enum": ["asc", "desc"], "default": "desc"},
        "by time of the last update",
    ),
)
REFERENCE_FIELD = (
    _query("field", {"type": "string", "enum": list(FIELDS)}, "one code list instead of all"),
)


@dataclass(frozen=True)
class Operation:
    """One handler's contract."""

    answer: str
    errors: Errors
    body: str | None = None
    etag: bool = False
    if_match: bool = False
    public: bool = False
    query: tuple[dict[str, Any], ...] = field(default=())


OPERATIONS: dict[str, Operation] = {
    "info": Operation("Info", AUTHENTICATED),
    "reference_data": Operation("ReferenceData", ANY, public=True, query=REFERENCE_FIELD),
    "list_trainees": Operation(
        "TraineeList", {**READ, 422: ("FilterErrors",)}, query=TRAINEE_FILTERS
    ),
    "show_trainee": Operation("Trainee", READ, etag=True),
    "create_trainee": Operation(
        "TraineeResponse",
        {**TRAINEE_WRITE, 409: ("DuplicateTrainee", "ErrorList")},
        body="TraineeCreateRequest",
        etag=True,
    ),
    "update_trainee": Operation(
        "TraineeResponse",
        {**TRAINEE_WRITE, 412: ("ErrorList",)},
        body="TraineeUpdateRequest",
        etag=True,
        if_match=True,
    ),
    "withdraw": Operation("TraineeResponse", WRITE, body="WithdrawRequest", etag=True),
    "defer": Operation("TraineeResponse", WRITE, body="DeferRequest", etag=True),
    "recommend": Operation("TraineeResponse", WRITE, body="RecommendRequest", etag=True),
    "list_placements": Operation("PlacementList", READ),
    "show_placement": Operation("PlacementResponse", READ),
    "add_placement": Operation("PlacementResponse", WRITE, body="PlacementRequest", etag=True),
    "change_placement": Operation(
        "PlacementResponse", WRITE, body="PlacementUpdateRequest", etag=True
    ),
    "remove_placement": Operation("TraineeResponse", REMOVE, etag=True),
    "list_degrees": Operation("DegreeList", READ),
    "show_degree": Operation("DegreeResponse", READ),
    "add_degree": Operation(
        "DegreeResponse",
        {**WRITE, 409: ("DuplicateDegree", "ErrorList")},
        body="DegreeRequest",
        etag=True,
    ),
    "change_degree": Operation(
        "DegreeResponse",
        {**WRITE, 409: ("DuplicateDegree", "ErrorList")},
        body="DegreeUpdateRequest",
        etag=True,
    ),
    "remove_degree": Operation("TraineeResponse", REMOVE, etag=True),
}


def _path(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema or {"type": "string"},
    }


def parameters() -> dict[str, Any]:
    """The path parameters and request headers operations share."""
    return {
        "api_version": _path("api_version", "the API version", ref("ApiVersion")),
        "trainee_id": _path("trainee_id", "the trainee's id (case does not matter)"),
        "placement_id": _path("placement_id", "the placement's id"),
        "degree_id": _path("degree_id", "the degree's id"),
        "Idempotency-Key": {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "description": "a key of the client's own for this request: a repeat with the same "
            "key and request gets the first answer again (kept 24 hours, per token); the key "
            "with another request answers 422, a repeat while the first runs 409",
            "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
        },
        "If-Match": {
            "name": "If-Match",
            "in": "header",
            "required": False,
            "description": "the ETag of the version this update is meant for: "
            "another version answers 409",
            "schema": {"type": "string"},
        },
    }
