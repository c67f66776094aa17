"""Decoding request bodies: JSON, the `data` object, and the msgspec input types.

Every value a body carries is checked here, before any rule sees it: a value of the wrong shape
or one the service cannot store (see service.api.values) is `<field> is invalid`, except a text
too long for a field whose length rule the caller's version keeps (`measured`): that rule refuses
it in its own words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import msgspec

from domain.details import DEGREE_FIELDS, PLACEMENT_FIELDS, WRITABLE
from domain.errors import Problem, ValidationFailed
from service.api.responses import ApiError, missing_data
from service.api.values import PROSE_FIELDS, Scalar, storable

Reasons = Scalar | list[Scalar]
_DISABILITY = re.compile(r"^disability\d+$")


def _malformed(message: str) -> ApiError:
    return ApiError(400, {"errors": [message[:1].upper() + message[1:]]})


def data_object(body: bytes) -> dict[str, Any]:
    """The `data` object of a JSON body: 400 for malformed JSON, 422 when it is missing."""
    if not body.strip():
        raise missing_data()
    try:
        decoded = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise _malformed(str(exc)) from None
    except RecursionError:
        raise _malformed("JSON is malformed: nested too deeply") from None
    except UnicodeDecodeError as exc:
        raise _malformed(f"JSON is malformed: invalid UTF-8 (byte {exc.start})") from None
    data = decoded.get("data") if isinstance(decoded, dict) else None
    if not isinstance(data, dict) or not data:
        raise missing_data()
    return data


def _input_type(name: str, fields: Mapping[str, Any]) -> Any:
    spec = [(field, kind | msgspec.UnsetType, msgspec.UNSET) for field, kind in fields.items()]
    return msgspec.defstruct(name, spec, kw_only=True, omit_defaults=True)


PlacementInput = _input_type("PlacementInput", dict.fromkeys(PLACEMENT_FIELDS, Scalar))
DegreeInput = _input_type("DegreeInput", dict.fromkeys(DEGREE_FIELDS, Scalar))
TraineeInput = _input_type(
    "TraineeInput",
    {
        **dict.fromkeys(WRITABLE, Scalar),
        "placements_attributes": list[PlacementInput],  # type: ignore[valid-type]
        "degrees_attributes": list[DegreeInput],  # type: ignore[valid-type]
    },
)
WithdrawInput = _input_type(
    "WithdrawInput",
    {
        "withdrawal_date": Scalar,
        "trigger": Scalar,
        "reasons": Reasons,
        "future_interest": Scalar,
        "another_reason": Scalar,
        "safeguarding_concern_reasons": Scalar,
    },
)
DeferInput = _input_type("DeferInput", {"defer_date": Scalar, "defer_reason": Scalar})
RecommendInput = _input_type("RecommendInput", {"qts_standards_met_date": Scalar})
ACTION_INPUTS = {
    "withdraw": WithdrawInput,
    "defer": DeferInput,
    "update-qts-or-eyts-status": RecommendInput,
    "recommend-for-qts": RecommendInput,
}
_ITEMS = {"placements_attributes": PlacementInput, "degrees_attributes": DegreeInput}


def fields_of(struct: Any) -> dict[str, Any]:
    """The fields a decoded input sets (absent keys stay out)."""
    return {
        name: value
        for name in struct.__struct_fields__
        if (value := getattr(struct, name)) is not msgspec.UNSET
    }


def _fits(name: str, value: Any, kind: Any, measured: frozenset[str] = frozenset()) -> bool:
    try:
        msgspec.convert(value, kind)
    except msgspec.ValidationError:
        return False
    return _storable(name, value, measured)


def _storable(name: str, value: Any, measured: frozenset[str]) -> bool:
    return storable(value, prose=name in PROSE_FIELDS, measured=name in measured)


@functools.cache
def _fields(kind: Any) -> tuple[tuple[str, Any], ...]:
    """An input type's fields (name, type), in declaration order: looked up once per type."""
    return tuple((f.name, f.type) for f in msgspec.structs.fields(kind))


def _converted(data: Mapping[str, Any], kind: Any) -> Any:
    """The body as its input type, or None when some value has the wrong shape."""
    try:
        return msgspec.convert(data, kind)
    except msgspec.ValidationError:
        return None


def problems_of(
    data: Mapping[str, Any],
    kind: Any,
    nested_under: str | None = None,
    measured: frozenset[str] = frozenset(),
    shaped: bool = False,
) -> list[Problem]:
    """Every field of `data` that `kind` declares whose value is of the wrong shape or cannot
    be stored, in the declaration's order (nested items by their own field names). `shaped`:
    the whole body converted already, so only storability is left to check."""
    found: list[Problem] = []
    for name, type_ in _fields(kind):
        if name not in data:
            continue
        value, item = data[name], _ITEMS.get(name)
        if item is not None and isinstance(value, list) and all(isinstance(i, dict) for i in value):
            for each in value:
                found += problems_of(each, item, nested_under=name, shaped=shaped)
        elif not (
            _storable(name, value, measured) if shaped else _fits(name, value, type_, measured)
        ):
            found.append(Problem(name, "is invalid", nested_under))
    return found


def convert(data: Mapping[str, Any], kind: Any, measured: frozenset[str] = frozenset()) -> Any:
    """Convert a mapping to an input type; every value of the wrong shape, or one the service
    cannot store, is `<field> is invalid`."""
    struct = _converted(data, kind)
    problems = problems_of(data, kind, measured=measured, shaped=struct is not None)
    if problems:
        raise ValidationFailed(problems)
    return struct


def checked(
    data: Mapping[str, Any], kind: Any, measured: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The fields of a body that the input type declares, checked as `convert` checks them."""
    return fields_of(convert(data, kind, measured))


def disability_problems(data: Mapping[str, Any]) -> list[Problem]:
    """The `disabilityN` keys whose value is not a code the service can store."""
    return [
        Problem(key, "is invalid")
        for key, value in data.items()
        if _DISABILITY.match(key) and not _fits(key, value, Scalar)
    ]


def disabilities_of(data: Mapping[str, Any]) -> dict[str, str]:
    """The `disabilityN` keys of a body, in their order, as text."""
    problems = disability_problems(data)
    if problems:
        raise ValidationFailed(problems)
    return {
        key: str(value)
        for key, value in data.items()
        if _DISABILITY.match(key) and value is not None and str(value).strip()
    }


def trainee_input(
    data: Mapping[str, Any], measured: frozenset[str] = frozenset()
) -> tuple[Any, dict[str, str]]:
    """A trainee body (canonical names) as its input type and its disabilities; every invalid
    value is reported together."""
    struct = _converted(data, TraineeInput)
    problems = problems_of(data, TraineeInput, measured=measured, shaped=struct is not None)
    problems += disability_problems(data)
    if problems:
        raise ValidationFailed(problems)
    return struct, disabilities_of(data)
