"""The named schemas of one version's resources and request bodies, from the document types,
the request fields and the version's change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import msgspec

from domain.details import DATE_FIELDS, DEGREE_FIELDS, INTEGER_FIELDS, NULL_CLEARS, WRITABLE
from domain.rules.record import HESA_REQUIRED, REQUIRED
from domain.rules.switches import Switch
from projections.documents import DegreeDocument, PlacementDocument, TraineeDocument
from service.openapi.document import TEXT, nullable, ref
from service.versions import ApiVersion

NAMES = {"TraineeDocument": "Trainee", "PlacementDocument": "Placement", "DegreeDocument": "Degree"}
DISABILITY = "^disability[0-9]+$"
INTEGER: dict[str, Any] = {"type": "integer"}
DATE: dict[str, Any] = {"type": "string", "format": "date"}
# Every version requires these on create; study_mode too, except where the head version lets
# assessment-only routes leave it out.
CREATE_REQUIRED = (*REQUIRED, *HESA_REQUIRED, "email")
STUDY_MODE_RULE = Switch.STUDY_MODE_OPTIONAL_FOR_ASSESSMENT_ONLY
ACTIONS: dict[str, dict[str, Any]] = {
    "Withdraw": {
        "withdrawal_date": DATE,
        "trigger": {"type": "string", "enum": ["provider", "trainee"]},
        "reasons": {"type": "array", "items": TEXT, "minItems": 1},
        "future_interest": {"type": "string", "enum": ["yes", "no", "unknown"]},
        "another_reason": TEXT,
        "safeguarding_concern_reasons": TEXT,
    },
    "Defer": {"defer_date": DATE, "defer_reason": {"type": "string", "maxLength": 500}},
    "Recommend": {"qts_standards_met_date": DATE},
}
ACTIONS_REQUIRED = {
    "Withdraw": ("withdrawal_date", "trigger", "reasons", "future_interest"),
    "Defer": ("defer_date",),
    "Recommend": ("qts_standards_met_date",),
}


def format_of(name: str) -> str | None:
    """The format of a field, from its name: `*_date` and `date_of_birth` hold dates,
    `*_at` timestamps."""
    if name.endswith("_date") or name == "date_of_birth":
        return "date"
    return "date-time" if name.endswith("_at") else None


def formatted(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The field's schema with the format its name implies on its text branch."""
    fmt = format_of(name)
    if fmt is None:
        return schema
    if schema.get("type") == "string":
        return {**schema, "format": fmt}
    if "anyOf" in schema:
        return {**schema, "anyOf": [formatted(name, s) for s in schema["anyOf"]]}
    return schema


@cache
def _documents() -> dict[str, Any]:
    _, defs = msgspec.json.schema_components(
        [TraineeDocument, PlacementDocument, DegreeDocument],
        ref_template="#/components/schemas/{name}",
    )
    out: dict[str, Any] = {}
    for name, schema in defs.items():
        properties = {
            field: _renamed(formatted(field, value))
            for field, value in schema["properties"].items()
        }
        out[NAMES[name]] = {**schema, "title": NAMES[name], "properties": properties}
    return out


def _renamed(schema: Any) -> Any:
    if isinstance(schema, dict):
        if "$ref" in schema:
            return ref(NAMES[str(schema["$ref"]).rsplit("/", 1)[-1]])
        return {k: _renamed(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_renamed(s) for s in schema]
    return schema


class _Probe(str):
    """A field's value in a probe document: what a renderer returns tells its schema."""

    __slots__ = ()


def _added(renderer: Any, head: Mapping[str, Any]) -> dict[str, Any]:
    """The schema of a field an older version adds, found by rendering a probe document."""
    probe = {name: _Probe(name) for name in head}
    probe["disability1"] = _Probe("disability1")
    try:
        value = renderer(probe)
    except (KeyError, TypeError, ValueError, AttributeError):
        return {}
    return _schema_of(value, head)


def _schema_of(value: Any, head: Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(value, _Probe):
        return dict(head.get(str(value), TEXT))
    if isinstance(value, dict):
        items = [_schema_of(v, head) for v in value.values()] or [TEXT]
        return {"type": "object", "additionalProperties": items[0]}
    return {}


def trainee_schema(version: ApiVersion) -> dict[str, Any]:
    """The trainee object as this version renders it."""
    head = _documents()["Trainee"]
    head_properties: dict[str, Any] = dict(head["properties"])
    head_properties["disability1"] = TEXT
    properties = {
        version.wire_name(name): schema
        for name, schema in head["properties"].items()
        if name not in version.response_removed
    }
    for name, renderer in version.response_added.items():
        properties[name] = formatted(name, _added(renderer, head_properties))
    return {
        "type": "object",
        "title": "Trainee",
        "description": head.get("description", ""),
        "properties": properties,
        "patternProperties": {DISABILITY: TEXT},
        "required": [
            version.wire_name(n) for n in head["required"] if n not in version.response_removed
        ]
        + list(version.response_added),
    }


def _fields(version: ApiVersion, fields: Mapping[str, Any]) -> dict[str, Any]:
    return {
        version.wire_name(name): schema
        for name, schema in fields.items()
        if name not in version.request_removed
    }


def _object(
    title: str, properties: dict[str, Any], required: Iterable[str] = (), **extra: Any
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "title": title, "properties": properties}
    needed = [name for name in required if name in properties]
    if needed:
        schema["required"] = needed
    return {**schema, **extra}


def _envelope(name: str) -> dict[str, Any]:
    return {"type": "object", "required": ["data"], "properties": {"data": ref(name)}}


def _trainee_field(name: str) -> dict[str, Any]:
    schema = DATE if name in DATE_FIELDS else INTEGER if name in INTEGER_FIELDS else TEXT
    return nullable(schema) if name in NULL_CLEARS else schema


def _degree_field(name: str) -> dict[str, Any]:
    return INTEGER if name == "graduation_year" else TEXT


def request_schemas(version: ApiVersion) -> dict[str, Any]:
    """The request bodies this version accepts, each a `data` object."""
    trainee = _fields(version, {name: _trainee_field(name) for name in WRITABLE})
    required = [*CREATE_REQUIRED, *(["study_mode"] if STUDY_MODE_RULE in version.rules_off else [])]
    disabilities = {"patternProperties": {DISABILITY: TEXT}}
    degree = {name: _degree_field(name) for name in DEGREE_FIELDS}
    nested_placement = {name: TEXT for name in ("urn", "name", "postcode")}
    schemas: dict[str, Any] = {
        "PlacementAttributes": _object("PlacementAttributes", nested_placement),
        "DegreeAttributes": _object(
            "DegreeAttributes", degree, required=("subject", "graduation_year")
        ),
        "TraineeCreate": _object(
            "TraineeCreate",
            {
                **trainee,
                "placements_attributes": {"type": "array", "items": ref("PlacementAttributes")},
                "degrees_attributes": {"type": "array", "items": ref("DegreeAttributes")},
            },
            [version.wire_name(n) for n in required],
            **disabilities,
        ),
        "TraineeUpdate": _object("TraineeUpdate", trainee, minProperties=1, **disabilities),
        "PlacementUpdate": _object("PlacementUpdate", nested_placement, minProperties=1),
        "DegreeUpdate": _object("DegreeUpdate", degree, minProperties=1),
    }
    for action, fields in ACTIONS.items():
        wire = _fields(version, fields)
        schemas[action] = _object(
            action, wire, [version.wire_name(n) for n in ACTIONS_REQUIRED[action]]
        )
    bodies = {
        "TraineeCreateRequest": "TraineeCreate",
        "TraineeUpdateRequest": "TraineeUpdate",
        "PlacementRequest": "PlacementAttributes",
        "PlacementUpdateRequest": "PlacementUpdate",
        "DegreeRequest": "DegreeAttributes",
        "DegreeUpdateRequest": "DegreeUpdate",
        **{f"{action}Request": action for action in ACTIONS},
    }
    return {**schemas, **{body: _envelope(data) for body, data in bodies.items()}}


def resource_schemas(version: ApiVersion) -> dict[str, Any]:
    """The trainee, placement and degree, and the bodies that carry them."""
    documents = _documents()
    meta = {key: INTEGER for key in ("current_page", "total_pages", "total_count", "per_page")}
    return {
        "Trainee": trainee_schema(version),
        "Placement": documents["Placement"],
        "Degree": documents["Degree"],
        "TraineeResponse": _envelope("Trainee"),
        "TraineeList": {
            "type": "object",
            "required": ["data", "meta"],
            "properties": {
                "data": {"type": "array", "items": ref("Trainee")},
                "meta": ref("PageMeta"),
            },
        },
        "PageMeta": _object("PageMeta", meta, meta),
        "PlacementResponse": _envelope("Placement"),
        "PlacementList": _list("Placement"),
        "DegreeResponse": _envelope("Degree"),
        "DegreeList": _list("Degree"),
        "Info": _object(
            "Info",
            {
                "status": TEXT,
                "version": _object(
                    "VersionInfo",
                    {
                        "requested": TEXT,
                        "latest": TEXT,
                        "deprecated": {"type": "string", "format": "date-time"},
                        "sunset": DATE,
                        "changelog": TEXT,
                    },
                    ["requested", "latest"],
                ),
            },
            ["status", "version"],
        ),
        "ReferenceData": {
            "type": "object",
            "description": "every code list keyed by field, or the one list `field` names",
        },
    }


def _list(name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "array", "items": ref(name)}},
    }
