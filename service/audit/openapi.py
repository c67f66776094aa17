"""The audit API's OpenAPI document, generated from its routes and answer types."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import msgspec
from litestar.handlers import HTTPRouteHandler

from service.audit import schema

ANSWERS: dict[str, type[schema.Answer]] = {
    "trainee_events": schema.AuditEvents,
    "trainee_state": schema.TraineeAtPoint,
    "trail_events": schema.TrailPage,
    "verify_trainee": schema.Verification,
}
VOCABULARY = (
    "vocabulary",
    "an API version (aliases too): field names as it has them; default the newest",
)
PARAMETERS: dict[str, tuple[tuple[str, str], ...]] = {
    "trainee_events": (VOCABULARY,),
    "trainee_state": (
        ("as_of", "ISO 8601 time with offset: the state then (404 before the trainee existed)"),
        ("sequence", "the state after this event instead"),
        VOCABULARY,
    ),
    "trail_events": (
        ("ukprn", "only this provider's trainees"),
        ("from", "events at or after this ISO 8601 time"),
        ("to", "events before this ISO 8601 time"),
        ("event", "only this event name, such as Withdrawn"),
        ("token_id", "only events caused through this provider token"),
        ("after", "the `next` cursor of the previous page (same filters)"),
        ("limit", "entries per page, 1-1000 (default 100); ignored by exports"),
    ),
    "verify_trainee": (("trainee_id", "the trainee to verify (required)"),),
}
EXPORT_NOTE = (
    " Send `Accept: text/csv` or `Accept: application/x-ndjson` to stream every matching entry"
    " instead of a page."
)
_ERRORS = {
    "400": "a parameter cannot be used",
    "401": "no valid audit token",
    "403": "a provider's token",
    "404": "no such trainee within the token's scope, or not at that point",
}


def _operations(controller: type) -> list[tuple[str, HTTPRouteHandler]]:
    base = str(vars(controller)["path"])
    out = []
    for value in vars(controller).values():
        if isinstance(value, HTTPRouteHandler):
            for sub in value.paths:
                out.append(((base.rstrip("/") + "/" + sub.strip("/")).rstrip("/"), value))
    return out


@cache
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of /audit/v1."""
    from service.api.audit import AuditController

    types = [*ANSWERS.values(), schema.Errors]
    _, components = msgspec.json.schema_components(
        types, ref_template="#/components/schemas/{name}"
    )
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}}
    paths: dict[str, Any] = {}
    for path, handler in _operations(AuditController):
        public = re.sub(r"\{(\w+):\w+\}", r"{\1}", path)
        name = handler.handler_name
        summary = (handler.fn.__doc__ or "").strip().splitlines()[0]
        parameters = [
            {
                "name": p,
                "in": "path",
                "required": True,
                "description": "the trainee's id, as the API gives it (trainee_id)",
                "schema": {"type": "string"},
            }
            for p in re.findall(r"\{(\w+)\}", public)
        ] + [
            {
                "name": p,
                "in": "query",
                "required": p == "trainee_id",
                "description": text,
                "schema": {"type": "string"},
            }
            for p, text in PARAMETERS.get(name, ())
        ]
        answer = ANSWERS[name].__name__
        content: dict[str, Any] = {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{answer}"}}
        }
        if name == "trail_events":
            content["text/csv"] = {"schema": {"type": "string"}}
            content["application/x-ndjson"] = {"schema": {"type": "string"}}
        paths[public] = {
            "get": {
                "operationId": name,
                "summary": summary,
                "description": summary + (EXPORT_NOTE if name == "trail_events" else ""),
                "parameters": parameters,
                "responses": {
                    "200": {"description": ANSWERS[name].__doc__ or "", "content": content},
                    **{code: {"description": why, **error} for code, why in _ERRORS.items()},
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Register trainee teachers audit API",
            "version": "v1",
            "description": "Read-only access for auditors: every event of a trainee, its state at"
            " any point in any API version's vocabulary, the trail across trainees, and the"
            " verification of the hash chain. Send an audit token as a bearer token.",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
    }
