"""A property-based fuzz of every operation of every version, generated from the service's own
OpenAPI documents: no server error, and every answer is one the document declares (status,
content type, headers, body schema)."""

from __future__ import annotations

import zlib
from typing import Any

import msgspec
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from service.openapi import openapi
from tests.openapi.conftest import LiveApi

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 20  # per operation and version: the whole fuzz stays within a few minutes


def _known(value: Any, ids: list[str]) -> Any:
    """Two generated ids in three become one that exists, so writes reach the records."""
    if not isinstance(value, str):
        return value
    pick = zlib.crc32(value.encode("utf-8", "surrogatepass"))
    return value if pick % 3 == 0 else ids[pick % len(ids)]


def _with_known_ids(case: Any, trainees: list[dict[str, Any]]) -> None:
    found = dict(case.path_parameters or {})
    if "trainee_id" not in found:
        return
    found["trainee_id"] = _known(found["trainee_id"], [t["trainee_id"] for t in trainees])
    chosen = next((t for t in trainees if t["trainee_id"] == found["trainee_id"]), None)
    for key, kind in (("placement_id", "placements"), ("degree_id", "degrees")):
        if key in found and chosen is not None:
            found[key] = _known(found[key], [item[key] for item in chosen[kind]])
    case.path_parameters = found


def fuzz(version: str) -> Any:
    """The fuzz of one version's document (a copy: the loader may change what it reads)."""
    schema = schemathesis.openapi.from_dict(
        msgspec.json.decode(msgspec.json.encode(openapi(version)))
    )
    schema.config.generation.update(max_examples=EXAMPLES, deterministic=True, database="none")

    @schema.parametrize()
    @settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def test(case: Any, live_api: LiveApi) -> None:
        _with_known_ids(case, live_api.trainees)
        case.call_and_validate(
            base_url=live_api.url, headers=live_api.headers, checks=CHECKS, timeout=30
        )

    return test


test_v0_1 = fuzz("v0.1")
test_v1_0_pre = fuzz("v1.0-pre")
test_v2025_0 = fuzz("v2025.0")
test_v2026_0 = fuzz("v2026.0")
test_v2026_1 = fuzz("v2026.1")
