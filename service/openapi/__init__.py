"""Each version's OpenAPI document, generated from the routes, the document types and the
version's change: nothing here is written by hand per version."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from typing import Any

from litestar import Controller
from litestar.handlers import HTTPRouteHandler

from service.idempotency import METHODS as IDEMPOTENT_METHODS
from service.openapi.document import TEXT, answer, any_of, document, json_body, ref, resolve
from service.openapi.errors import error_schemas
from service.openapi.operations import OPERATIONS, Operation, parameters
from service.openapi.schemas import request_schemas, resource_schemas, trainee_schema
from service.versions import VERSIONS, ApiVersion

__all__ = ["endpoint_of", "openapi", "resolve", "trainee_schema"]

_PARAM = re.compile(r"\{(\w+):\w+\}")
STATUS_TEXT = {
    400: "The body is not JSON, or the Idempotency-Key is no key",
    401: "No valid token",
    404: "Not found",
    409: "Conflict",
    412: "If-Match is not a trainee version",
    413: "The body is too large",
    422: "Refused",
    429: "Too many requests: retry after the seconds given",
    503: "The service is busy or its database is away: retry in a few seconds",
}
HEADERS = {
    "ETag": {
        "description": "the trainee's version: send it in If-Match to update only that version",
        "required": True,
        "schema": TEXT,
    },
    "Retry-After": {
        "description": "seconds until the next window",
        "required": True,
        "schema": {"type": "integer"},
    },
    "Deprecation": {
        "description": "a version marked for retirement: since when it is deprecated (RFC 9745)",
        "schema": {"type": "string", "pattern": "^@[0-9]+$"},
    },
    "Sunset": {
        "description": "a version marked for retirement: when it stops (RFC 8594, an HTTP date)",
        "schema": TEXT,
    },
    "Link": {"description": "the changelog, for a version marked for retirement", "schema": TEXT},
    "RateLimit-Policy": {
        "description": "the rate limit (IETF RateLimit header fields draft): "
        '`"default";q=<requests>;w=<seconds>`',
        "required": True,
        "schema": TEXT,
    },
    "RateLimit": {
        "description": 'what is left of it: `"default";r=<requests left>;t=<seconds to the next '
        "window>` (absent when the request could not be counted)",
        "schema": TEXT,
    },
    "Idempotent-Replayed": {
        "description": "`true` on the stored answer of an earlier request with the same "
        "Idempotency-Key",
        "schema": TEXT,
    },
}
EVERY_ANSWER = ("RateLimit-Policy", "RateLimit", "Deprecation", "Sunset", "Link")
"""Headers any answer under /api may carry."""


def _handlers(controller: type[Controller]) -> Iterator[tuple[str, HTTPRouteHandler]]:
    base = str(vars(controller)["path"])
    for value in vars(controller).values():
        if isinstance(value, HTTPRouteHandler):
            for sub in sorted(value.paths):
                yield (base.rstrip("/") + "/" + sub.strip("/")).rstrip("/"), value


def endpoint_of(path: str) -> str:
    """The endpoint name versions refer to: the last fixed segment of the path."""
    fixed = [s for s in path.split("/") if s and not s.startswith("{")]
    return fixed[-1]


def _operation_id(handler: HTTPRouteHandler, method: str, path: str) -> str:
    """The handler's name; a handler of several paths is named by its endpoint, one of several
    methods by the method too (PATCH keeps the plain name)."""
    name = handler.handler_name
    if len(handler.paths) > 1:
        name = endpoint_of(path).replace("-", "_")
    if len(handler.http_methods) > 1 and method != "PATCH":
        name = f"{name}_{method.lower()}"
    return name


def _responses(spec: Operation, handler: HTTPRouteHandler, idempotent: bool) -> dict[str, Any]:
    summary = (handler.fn.__doc__ or "").strip().splitlines()[0]
    names = (*EVERY_ANSWER, *(["Idempotent-Replayed"] if idempotent else []))
    every = {name: ref(name, "headers") for name in names}
    headers = {"ETag": ref("ETag", "headers")} if spec.etag else {}
    out = {
        str(handler.status_code): answer(summary, json_body(ref(spec.answer)), {**headers, **every})
    }
    for status, schemas in sorted(spec.errors.items()):
        if status == 429:
            content = {"text/plain": {"schema": TEXT}}
            retry = {"Retry-After": ref("Retry-After", "headers")}
            out["429"] = answer(STATUS_TEXT[429], content, {**retry, **every})
        else:
            out[str(status)] = answer(STATUS_TEXT[status], json_body(any_of(*schemas)), every)
    return out


def _operation(
    handler: HTTPRouteHandler, method: str, path: str, public: str, version: ApiVersion
) -> dict[str, Any]:
    spec = OPERATIONS[handler.handler_name]
    idempotent = method in IDEMPOTENT_METHODS
    if idempotent:  # a key that is no key is refused before the request is read
        bad_key = (*spec.errors.get(400, ()), "ErrorList")
        spec = replace(spec, errors={**spec.errors, 400: tuple(dict.fromkeys(bad_key))})
    operation: dict[str, Any] = {
        "operationId": _operation_id(handler, method, path),
        "summary": (handler.fn.__doc__ or "").strip().splitlines()[0],
        "security": [] if spec.public else [{"bearer": []}],
        "parameters": [ref(p, "parameters") for p in re.findall(r"\{(\w+)\}", public)]
        + list(spec.query)
        + ([ref("If-Match", "parameters")] if spec.if_match else [])
        + ([ref("Idempotency-Key", "parameters")] if idempotent else []),
        "responses": _responses(spec, handler, idempotent),
    }
    if spec.body:
        operation["requestBody"] = {"required": True, "content": json_body(ref(spec.body))}
    return operation


@cache
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
                paths.setdefault(public, {})[method.lower()] = _operation(
                    handler, method, path, public, version
                )
    summary = version.summary
    schemas = {
        "ApiVersion": {"type": "string", "enum": [version.name]},
        **resource_schemas(version),
        **request_schemas(version),
        **error_schemas(version),
    }
    return document(
        "Register trainee teachers API",
        version.name,
        f"{version.name}: {summary}.",
        paths,
        {"schemas": schemas, "parameters": parameters(), "headers": HEADERS},
    )
