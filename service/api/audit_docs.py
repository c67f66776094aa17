"""The audit API's documentation: its OpenAPI document as JSON and YAML, and a page that
works offline (no token needed)."""

from __future__ import annotations

import html
from functools import cache
from typing import Any

import msgspec
import yaml
from litestar import Controller, Response, get

from service.audit.openapi import document

STYLE = """body{font:15px/1.45 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}
code,td.f{font-family:ui-monospace,monospace}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
details{margin:.75rem 0;border-left:4px solid #1d70b8;padding-left:.75rem}summary{cursor:pointer}
.m{font-weight:700;display:inline-block;width:4.5rem}nav a{margin-right:1rem}"""


def _type(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"])
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"array of {_type(schema.get('items', {}))}"
    if schema.get("type") == "object" and "additionalProperties" in schema:
        return f"object of {_type(schema['additionalProperties'])}"
    return str(schema.get("type", "any"))


def _table(rows: list[tuple[str, str, str]], head: tuple[str, str, str]) -> str:
    cells = "".join(
        "<tr><td class=f>" + "</td><td>".join(html.escape(v) for v in row) + "</td></tr>"
        for row in rows
    )
    th = "".join(f"<th>{h}</th>" for h in head)
    return f"<table><tr>{th}</tr>{cells}</table>"


@cache
def page() -> bytes:
    """The documentation page."""
    doc = document()
    parts = [
        "<h1>Register trainee teachers audit API v1</h1>",
        f"<p>{html.escape(doc['info']['description'])}</p>",
        '<p><a href="/audit/v1/openapi.json">openapi.json</a> · '
        '<a href="/audit/v1/openapi.yaml">openapi.yaml</a> · '
        '<a href="/audit/">the auditors\' page</a></p>',
    ]
    for path, operations in doc["paths"].items():
        op = operations["get"]
        params = [(p["name"], p["in"], p.get("description", "")) for p in op["parameters"]]
        parts.append(
            f"<details open><summary><span class=m>GET</span><code>{html.escape(path)}</code> "
            f"{html.escape(op['summary'])}</summary>"
            + (
                f"<p>{html.escape(op['description'])}</p>"
                if op["description"] != op["summary"]
                else ""
            )
            + _table(params, ("parameter", "in", "meaning"))
            + "</details>"
        )
    parts.append("<h2>Answers</h2>")
    for name, schema in doc["components"]["schemas"].items():
        fields = [
            (field, _type(s), str(s.get("description", "")))
            for field, s in schema.get("properties", {}).items()
        ]
        parts.append(
            f"<h3 id={html.escape(name)}>{html.escape(name)}</h3>"
            f"<p>{html.escape(schema.get('description', ''))}</p>"
            + _table(fields, ("field", "type", ""))
        )
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Audit API v1</title>"
        f"<style>{STYLE}</style><body>{''.join(parts)}</body></html>"
    ).encode()


class AuditDocsController(Controller):
    """Human and machine documentation of the audit API."""

    path = "/audit/v1"

    @get("/docs")
    async def audit_docs(self) -> Response[bytes]:
        """A browsable page of the audit API's endpoints and answers."""
        return Response(page(), media_type="text/html")

    @get(["/openapi.json", "/openapi"])
    async def audit_openapi_json(self) -> Response[bytes]:
        """The audit API's OpenAPI document as JSON."""
        return Response(msgspec.json.encode(document()), media_type="application/json")

    @get("/openapi.yaml")
    async def audit_openapi_yaml(self) -> Response[bytes]:
        """The audit API's OpenAPI document as YAML."""
        text = yaml.safe_dump(document(), sort_keys=False, allow_unicode=True)
        return Response(text.encode(), media_type="application/yaml")
