"""Checks a response body against a published contract's (observed-response) schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

PUBLISHED = Path(__file__).resolve().parents[3] / "shared" / "reference" / "openapi"
JSON_TYPES = {
    "string": str,
    "integer": int,
    "boolean": bool,
    "number": (int, float),
    "object": dict,
    "array": list,
}


class _Loader(yaml.SafeLoader):
    """Reads dates in examples as text (some examples hold impossible dates)."""


_Loader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def published(version: str) -> dict[str, Any]:
    """A version's published contract."""
    with (PUBLISHED / f"{version}.yaml").open() as f:
        document: dict[str, Any] = yaml.load(f, Loader=_Loader)
    return document


def problems(
    schema: dict[str, Any],
    value: Any,
    *,
    missing_ok: frozenset[str],
    extra_ok: frozenset[str],
    at: str = "$",
) -> Iterator[str]:
    """Where the value departs from the schema: missing required keys, keys the contract does
    not know, values of another JSON type (nulls are not judged: the contract's types come
    from examples)."""
    if value is None:
        return
    kind = schema.get("type")
    if kind in JSON_TYPES and not isinstance(value, JSON_TYPES[kind]):
        yield f"{at}: {type(value).__name__} where the contract has {kind}"
        return
    if isinstance(value, dict) and "properties" in schema:
        known = schema["properties"]
        for key in schema.get("required", []):
            if key not in value and key not in missing_ok:
                yield f"{at}.{key}: missing"
        for key, item in value.items():
            if key in known:
                yield from problems(
                    known[key], item, missing_ok=missing_ok, extra_ok=extra_ok, at=f"{at}.{key}"
                )
            elif key not in extra_ok and not (key.startswith("disability") and key[10:].isdigit()):
                yield f"{at}.{key}: not in the contract"
    if isinstance(value, list) and schema.get("items"):
        for i, item in enumerate(value):
            yield from problems(
                schema["items"], item, missing_ok=missing_ok, extra_ok=extra_ok, at=f"{at}[{i}]"
            )
