"""Decoding request bodies: JSON, the `data` object, and the msgspec input types."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import msgspec

from domain.details import DEGREE_FIELDS, PLACEMENT_FIELDS, WRITABLE
from domain.errors import Problem, ValidationFailed
from service.api.responses import ApiError, missing_data

Scalar = str | int | float | bool | None
_DISABILITY = re.compile(r"^disability\d+$")
_PATH_FIELD = re.compile(r"^\$\.(\w+)")


def data_object(body: bytes) -> dict[str, Any]:
    """The `data` object of a JSON body: 400 for malformed JSON, 422 when it is missing."""
    if not body.strip():
        raise missing_data()
    try:
        decoded = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        text = str(exc)
        raise ApiError(400, {"errors": [text[:1].upper() + text[1:]]}) from None
    data = decoded.get("data") if isinstance(decoded, dict) else None
    if not isinstance(data, dict) or not data:
        raise missing_data()
    return data


def _input_type(name: str, fields: tuple[str, ...], nested: Mapping[str, Any]) -> Any:
    spec: list[tuple[str, Any, Any]] = [
        (field, Scalar | msgspec.UnsetType, msgspec.UNSET) for field in fields
    ]
    spec += [(field, kind | msgspec.UnsetType, msgspec.UNSET) for field, kind in nested.items()]
    return msgspec.defstruct(name, spec, kw_only=True, omit_defaults=True)


PlacementInput = _input_type("PlacementInput", PLACEMENT_FIELDS, {})
DegreeInput = _input_type("DegreeInput", DEGREE_FIELDS, {})
TraineeInput = _input_type(
    "TraineeInput",
    WRITABLE,
    {
        "placements_attributes": list[PlacementInput],  # type: ignore[valid-type]
        "degrees_attributes": list[DegreeInput],  # type: ignore[valid-type]
    },
)


def fields_of(struct: Any) -> dict[str, Any]:
    """The fields a decoded input sets (absent keys stay out)."""
    return {
        name: value
        for name in struct.__struct_fields__
        if (value := getattr(struct, name)) is not msgspec.UNSET
    }


def convert(data: Mapping[str, Any], kind: Any) -> Any:
    """Convert a mapping to an input type; a value of the wrong shape is `<field> is invalid`."""
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        match = _PATH_FIELD.match(str(exc).rsplit(" - at `", 1)[-1].rstrip("`"))
        field = match.group(1) if match else "data"
        raise ValidationFailed([Problem(field, "is invalid")]) from None


def disabilities_of(data: Mapping[str, Any]) -> dict[str, str]:
    """The `disabilityN` keys of a body, in their order, as text."""
    found: dict[str, str] = {}
    for key, value in data.items():
        if _DISABILITY.match(key) and value is not None and str(value).strip():
            if isinstance(value, (dict, list)):
                raise ValidationFailed([Problem(key, "is invalid")])
            found[key] = str(value)
    return found
