"""Per-version API documentation: OpenAPI as JSON and YAML, and a page that works offline."""

from __future__ import annotations

import html
from functools import cache
from typing import Any

import msgspec
import yaml
from litestar import Controller, Response, get
from litestar.params import FromPath

from service.api.responses import not_found
from service.openapi import openapi
from service.versions import HEAD, VERSIONS
from service.versions.changelog import Entry, changelog

STYLE = """body{font:15px/1.45 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}
code,td.f{font-family:ui-monospace,monospace}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
details{margin:.75rem 0;border-left:4px solid #1d70b8;padding-left:.75rem}summary{cursor:pointer}
.m{font-weight:700;display:inline-block;width:4.5rem}nav a{margin-right:1rem}"""


def _document(version: str) -> dict[str, Any]:
    if version not in VERSIONS:
        raise not_found()
    return openapi(version)


@cache
def _json(version: str) -> bytes:
    return msgspec.json.encode(_document(version))


@cache
def _yaml(version: str) -> bytes:
    return yaml.safe_dump(_document(version), sort_keys=False, allow_unicode=True).encode()


def _fields(schema: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td class=f>{html.escape(name)}</td><td>{html.escape(_type(s))}</td></tr>"
        for name, s in schema.get("properties", {}).items()
    )
    return f"<table><tr><th>field</th><th>type</th></tr>{rows}</table>" if rows else ""


def _type(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"])
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"array of {_type(schema.get('items', {}))}"
    return str(schema.get("type", "any"))


def _section(entry: Entry, level: str = "h2") -> str:
    """One version's changelog section."""
    released = f" (released {entry.released})" if entry.released else ""
    head = (
        f"<{level} id={html.escape(entry.version)}>{html.escape(entry.version)}{released}</{level}>"
    )
    if entry.since is None:
        return f"{head}<p>The first version served.</p>"
    items = "".join(f"<li>{_code(line)}</li>" for line in entry.lines) or "<li>no change</li>"
    return f"{head}<p>Moving from {html.escape(entry.since)}:</p><ul>{items}</ul>"


def _code(line: str) -> str:
    """A line with its `names` set as code."""
    parts = html.escape(line).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _html(title: str, parts: list[str]) -> bytes:
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{title}</title>"
        f"<style>{STYLE}</style><body>{''.join(parts)}</body></html>"
    ).encode()


@cache
def _changelog() -> bytes:
    parts = ["<h1>Register trainee teachers API: changes between versions</h1><nav>"]
    parts += [f'<a href="/api-docs/{v}">{v}</a>' for v in VERSIONS]
    parts.append("</nav>")
    parts += [_section(entry) for entry in changelog(VERSIONS)]
    return _html("API changelog", parts)


@cache
def _page(version: str) -> bytes:
    doc = _document(version)
    parts = [
        f"<h1>Register trainee teachers API {html.escape(version)}</h1>",
        f"<p>{html.escape(doc['info']['description'])}</p>",
        "<nav>",
    ]
    parts += [f'<a href="/api-docs/{v}">{v}</a>' for v in VERSIONS]
    parts += [
        f'</nav><p><a href="/api-docs/{version}/openapi.json">openapi.json</a> · '
        f'<a href="/api-docs/{version}/openapi.yaml">openapi.yaml</a> · '
        "Send <code>Authorization: Bearer &lt;token&gt;</code>.</p>"
    ]
    entry = next(e for e in changelog(VERSIONS) if e.version == VERSIONS[version].name)
    parts.append(_section(entry, "h3").replace("<h3", "<h2>Changes</h2><h3", 1))
    parts.append('<p><a href="/api-docs/changelog">Every version\'s changes</a></p>')
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            data = body.get("schema", {}).get("properties", {}).get("data", {})
            ((status, answer),) = op["responses"].items()
            parts.append(
                f"<details><summary><span class=m>{method.upper()}</span><code>"
                f"{html.escape(path)}</code> {html.escape(op['summary'])}</summary>"
                + (f"<h4>Request <code>data</code></h4>{_fields(data)}" if data else "")
                + f"<h4>Answer {status}</h4>"
                + _fields(answer["content"]["application/json"]["schema"])
                + "</details>"
            )
    return _html(f"API {version}", parts)


class DocsController(Controller):
    """Human and machine documentation of every served version (no token needed)."""

    path = "/api-docs"

    @get("/")
    async def docs_index(self) -> Response[bytes]:
        """The documentation of the newest version."""
        return Response(_page(HEAD.name), media_type="text/html")

    @get("/changelog")
    async def changelog_page(self) -> Response[bytes]:
        """What changes for a client moving from each version to the next."""
        return Response(_changelog(), media_type="text/html")

    @get("/{version:str}")
    async def docs_page(self, version: FromPath[str]) -> Response[bytes]:
        """A browsable page of one version's endpoints and fields."""
        return Response(_page(version), media_type="text/html")

    @get(["/{version:str}/openapi.json", "/{version:str}/openapi"])
    async def openapi_json(self, version: FromPath[str]) -> Response[bytes]:
        """The version's OpenAPI document as JSON."""
        return Response(_json(version), media_type="application/json")

    @get("/{version:str}/openapi.yaml")
    async def openapi_yaml(self, version: FromPath[str]) -> Response[bytes]:
        """The version's OpenAPI document as YAML."""
        return Response(_yaml(version), media_type="application/yaml")
