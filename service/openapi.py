"""Each version's OpenAPI document, generated from the routes, the document types and the
version's change: nothing here is written by hand per version."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import msgspec
from litestar import Controller
from litestar.handlers import HTTPRouteHandler

from domain.details import DEGREE_FIELDS, PLACEMENT_FIELDS, WRITABLE
from projections.documents import DegreeDocument, PlacementDocument, TraineeDocument
from service.versions import VERSIONS, ApiVersion

_PARAM = re.compile(r"\{(\w+):\w+\}")
ACTION_FIELDS: dict[str, dict[str, Any]] = {
    "withdraw": {
        "withdrawal_date": {"type": "string", "format": "date"},
        "trigger": {"type": "string", "enum": ["provider", "trainee"]},
        "reasons": {"type": "array", "items": {"type": "string"}},
        "future_interest": {"type": "string", "enum": ["yes", "no", "unknown"]},
        "another_reason": {"type": "string"},
        "safeguarding_concern_reasons": {"type": "string"},
    },
    "defer": {
        "defer_date": {"type": "string", "format": "date"},
        "defer_reason": {"type": "string", "maxLength": 500},
    },
    "recommend-for-qts": {"qts_standards_met_date": {"type": "string", "format": "date"}},
    "update-qts-or-eyts-status": {"qts_standards_met_date": {"type": "string", "format": "date"}},
}
TEXT = {"type": "string"}
META = ("current_page", "total_pages", "total_count", "per_page")


def _handlers(controller: type[Controller]) -> Iterator[tuple[str, HTTPRouteHandler]]:
    base = str(vars(controller)["path"])
    for value in vars(controller).values():
        if isinstance(value, HTTPRouteHandler):
            for sub in value.paths:
                yield (base.rstrip("/") + "/" + sub.strip("/")).rstrip("/"), value


def endpoint_of(path: str) -> str:
    """The endpoint name versions refer to: the last fixed segment of the path."""
    fixed = [s for s in path.split("/") if s and not s.startswith("{")]
    return fixed[-1]


@cache
def _components() -> dict[str, Any]:
    documents = [TraineeDocument, PlacementDocument, DegreeDocument]
    _, defs = msgspec.json.schema_components(documents, ref_template="#/components/schemas/{name}")
    return defs


def trainee_schema(version: ApiVersion) -> dict[str, Any]:
    """The trainee object as this version renders it."""
    head = _components()["TraineeDocument"]
    properties = {
        version.wire_name(name): schema
        for name, schema in head["properties"].items()
        if name not in version.response_removed
    }
    for name in version.response_added:
        properties[name] = {"description": f"rendered by {version.name} and older versions"}
    return {
        "type": "object",
        "properties": properties,
        "patternProperties": {"^disability[0-9]+$": TEXT},
        "required": [
            version.wire_name(n) for n in head["required"] if n not in version.response_removed
        ]
        + list(version.response_added),
    }


def _body(fields: dict[str, Any], version: ApiVersion) -> dict[str, Any]:
    properties = {
        version.wire_name(k): v for k, v in fields.items() if k not in version.request_removed
    }
    return {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["data"],
                    "properties": {"data": {"type": "object", "properties": properties}},
                }
            }
        }
    }


def _request(handler: HTTPRouteHandler, path: str, version: ApiVersion) -> dict[str, Any] | None:
    endpoint = endpoint_of(path)
    if "POST" not in handler.http_methods and not {"PUT", "PATCH"} & handler.http_methods:
        return None
    if endpoint in ACTION_FIELDS:
        return _body(ACTION_FIELDS[endpoint], version)
    if endpoint == "placements":
        return _body(dict.fromkeys(PLACEMENT_FIELDS, TEXT), version)
    if endpoint == "degrees":
        return _body(dict.fromkeys(DEGREE_FIELDS, TEXT), version)
    fields: dict[str, Any] = dict.fromkeys(WRITABLE, TEXT)
    fields["placements_attributes"] = {
        "type": "array",
        "items": {"type": "object", "properties": dict.fromkeys(("urn", "name", "postcode"), TEXT)},
    }
    fields["degrees_attributes"] = {
        "type": "array",
        "items": {"type": "object", "properties": dict.fromkeys(DEGREE_FIELDS, TEXT)},
    }
    return _body(fields, version)


def _response(handler: HTTPRouteHandler, path: str, version: ApiVersion) -> dict[str, Any]:
    endpoint, name = endpoint_of(path), handler.handler_name
    trainee = trainee_schema(version)
    item = {
        "placements": "#/components/schemas/PlacementDocument",
        "degrees": "#/components/schemas/DegreeDocument",
    }.get(endpoint)
    if name == "show_trainee":
        schema: dict[str, Any] = trainee
    elif name == "list_trainees":
        meta = {key: {"type": "integer"} for key in META}
        schema = {
            "type": "object",
            "properties": {
                "data": {"type": "array", "items": trainee},
                "meta": {"type": "object", "properties": meta},
            },
        }
    elif name == "info":
        schema = {
            "type": "object",
            "properties": {
                "status": TEXT,
                "version": {"type": "object", "properties": {"requested": TEXT, "latest": TEXT}},
            },
        }
    elif name.startswith(("list_placements", "list_degrees")) and item:
        schema = {
            "type": "object",
            "properties": {"data": {"type": "array", "items": {"$ref": item}}},
        }
    elif item and not name.startswith("remove_"):
        schema = {"type": "object", "properties": {"data": {"$ref": item}}}
    elif endpoint == "reference-data":
        schema = {"type": "object"}
    else:
        schema = {"type": "object", "properties": {"data": trainee}}
    status = str(handler.status_code)
    return {
        status: {
            "description": (handler.fn.__doc__ or "").strip().splitlines()[0],
            "content": {"application/json": {"schema": schema}},
        }
    }


def openapi(name: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of one served version."""
    from service.api.routes import API_CONTROLLERS  # the routes include the docs, which use this

    version = VERSIONS[name]
    paths: dict[str, dict[str, Any]] = {}
    for controller in API_CONTROLLERS:
        for path, handler in _handlers(controller):
            if not version.serves(endpoint_of(path)):
                continue
            public = _PARAM.sub(
                lambda m: "{api_version}" if m.group(1) == "version" else "{" + m.group(1) + "}",
                path,
            )
            for method in sorted(handler.http_methods):
                operation: dict[str, Any] = {
                    "operationId": method.lower()
                    + re.sub(r"\W+", "_", public.split("}", 1)[1]).rstrip("_"),
                    "summary": (handler.fn.__doc__ or "").strip().splitlines()[0],
                    "responses": _response(handler, path, version),
                }
                operation["parameters"] = [
                    {
                        "name": name,
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": [version.name]}
                        if name == "api_version"
                        else {"type": "string"},
                    }
                    for name in re.findall(r"\{(\w+)\}", public)
                ]
                body = _request(handler, path, version)
                if body and method != "GET":
                    operation["requestBody"] = body
                paths.setdefault(public, {})[method.lower()] = operation
    summary = version.summary
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Register trainee teachers API",
            "version": version.name,
            "description": f"{version.name}: {summary}.",
        },
        "servers": [{"url": "/", "variables": {}}],
        "components": {
            "schemas": {k: v for k, v in _components().items() if k != "TraineeDocument"},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
    }
