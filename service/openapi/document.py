"""The parts every OpenAPI document of the service is built from: references, JSON bodies,
answers and the document's frame (shared by each API's document)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TEXT: dict[str, Any] = {"type": "string"}
BEARER = {"bearer": {"type": "http", "scheme": "bearer", "description": "an API token"}}


def ref(name: str, kind: str = "schemas") -> dict[str, str]:
    """A reference to a named component."""
    return {"$ref": f"#/components/{kind}/{name}"}


def any_of(*names: str) -> dict[str, Any]:
    """One named schema, or any of several."""
    return ref(names[0]) if len(names) == 1 else {"anyOf": [ref(n) for n in names]}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema, or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON content map."""
    return {"application/json": {"schema": schema}}


def answer(
    description: str,
    content: dict[str, Any],
    headers: Mapping[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One response of an operation."""
    out: dict[str, Any] = {"description": description, "content": content}
    if headers:
        out["headers"] = dict(headers)
    return out


def resolve(document: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """A schema with its top-level reference followed (for pages that show fields)."""
    for _ in range(10):
        target = schema.get("$ref")
        if not isinstance(target, str) or not target.startswith("#/"):
            break
        node: Any = document
        for part in target[2:].split("/"):
            node = node[part]
        schema = node
    return dict(schema)


def document(
    title: str,
    version: str,
    description: str,
    paths: Mapping[str, Any],
    components: Mapping[str, Any],
) -> dict[str, Any]:
    """An OpenAPI 3.1 document: security is declared on each operation."""
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": description},
        "servers": [{"url": "/"}],
        "components": {**components, "securitySchemes": BEARER},
        "paths": dict(sorted(paths.items())),
    }
