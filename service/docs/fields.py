"""Field tables: each field as the version names it, its type, whether it is required, the
values it allows (linked to their reference-data list), an example and where it changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.docs.changes import where_changed
from service.docs.html import as_json, esc
from service.docs.reference import link
from service.versions import ApiVersion


def resolve(schema: Mapping[str, Any], doc: Mapping[str, Any]) -> dict[str, Any]:
    """The schema a `$ref` points to inside the document (the schema itself otherwise)."""
    while "$ref" in schema:
        node: Any = doc
        for part in str(schema["$ref"]).lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return dict(schema)


def type_of(schema: Mapping[str, Any], doc: Mapping[str, Any]) -> str:
    """A schema's type in a reader's words: `string (date)`, `array of object`."""
    if "$ref" in schema:
        name = str(schema["$ref"]).rsplit("/", 1)[-1]
        inner = resolve(schema, doc)
        return "object" if inner.get("type") == "object" else name
    for key in ("anyOf", "oneOf"):
        if key in schema:
            kinds = [type_of(s, doc) for s in schema[key]]
            shown = [k for k in kinds if k != "null"]
            return " or ".join(shown) + (" or null" if "null" in kinds else "")
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        return " or ".join(str(k) for k in kind)
    if kind == "array":
        return f"array of {type_of(schema.get('items', {}), doc)}"
    fmt = schema.get("format")
    return f"{kind} ({fmt})" if fmt else str(kind)


def _allowed(canonical: str, schema: Mapping[str, Any]) -> str:
    values = schema.get("enum") or schema.get("items", {}).get("enum")
    shown = "".join(f"<span class=tag>{esc(v)}</span>" for v in values or ())
    limits = []
    if "maxLength" in schema:
        limits.append(f"at most {schema['maxLength']} characters")
    if "pattern" in schema:
        limits.append(f"pattern <code>{esc(schema['pattern'])}</code>")
    listed = link(canonical)
    return " ".join(part for part in (listed, shown, "; ".join(limits)) if part)


def _changes(canonical: str) -> str:
    return " ".join(
        f'<a href="/api-docs/changelog#{esc(target)}">{esc(version)}</a>'
        for version, target in where_changed(canonical)
    )


def _example(value: object) -> str:
    if value is None or value == []:
        return ""
    text = as_json(value) if isinstance(value, dict | list) else esc(value)
    return f"<code>{text[:80]}{'…' if len(text) > 80 else ''}</code>"


def table(
    version: ApiVersion,
    properties: Mapping[str, Any],
    doc: Mapping[str, Any],
    *,
    required: frozenset[str] = frozenset(),
    example: Mapping[str, Any] | None = None,
    prefix: str = "",
    request: bool = True,
    anchor: str = "",
) -> str:
    """A field table; nested objects of arrays follow as rows named `parent[].child`."""
    rows: list[str] = []
    _rows(rows, version, properties, doc, required, example or {}, prefix, request, anchor)
    need = "<th>required</th>" if request else ""
    return (
        f"<table><tr><th>field</th><th>type</th>{need}<th>allowed values</th><th>example</th>"
        f"<th>changed in</th></tr>{''.join(rows)}</table>"
    )


def _rows(
    rows: list[str],
    version: ApiVersion,
    properties: Mapping[str, Any],
    doc: Mapping[str, Any],
    required: frozenset[str],
    example: Mapping[str, Any],
    prefix: str,
    request: bool,
    anchor: str,
) -> None:
    for wire, raw in properties.items():
        schema = resolve(raw, doc)
        canonical = version.domain_name(wire) or wire
        needed = wire in required or canonical in required
        mark = "<span class=req>required</span>" if needed else "<span class=opt>optional</span>"
        ident = f' id="{esc(anchor)}-{esc(prefix + wire)}"' if anchor else ""
        rows.append(
            f"<tr{ident}><td class=f>{esc(prefix + wire)}</td><td>{esc(type_of(raw, doc))}</td>"
            + (f"<td>{mark}</td>" if request else "")
            + f"<td>{_allowed(canonical, schema)}</td><td>{_example(example.get(wire))}</td>"
            f"<td>{_changes(canonical)}</td></tr>"
        )
        items = resolve(schema.get("items", {}), doc) if schema.get("type") == "array" else {}
        if items.get("properties"):
            sample = example.get(wire) or [{}]
            first = sample[0] if isinstance(sample, list) and sample else {}
            nested_required = frozenset(items.get("required", ()))
            _rows(
                rows,
                version,
                items["properties"],
                doc,
                nested_required | required_nested(required, wire),
                first,
                f"{prefix}{wire}[].",
                request,
                anchor,
            )


def required_nested(required: frozenset[str], parent: str) -> frozenset[str]:
    """The required fields given for a nested list as `parent[].child`."""
    start = f"{parent}[]."
    return frozenset(n[len(start) :] for n in required if n.startswith(start))
