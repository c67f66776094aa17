"""The trainee document, in the domain's vocabulary (the newest version renders it as is)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import Any

import msgspec

from domain.personal import PERSONAL_DOCUMENT_FIELDS
from domain.trainee import Trainee
from domain.values import RECORD_FIELDS, Degree, Placement, TraineeRecord, Withdrawal

UNDERGRAD_ROUTES = frozenset({"09", "11", "14", "18"})
EYTS_ROUTES = frozenset({"17", "18", "19", "20"})


def timestamp(value: datetime | None) -> str | None:
    """A datetime as the API renders it: UTC with milliseconds, e.g. 2025-09-15T12:34:56.000Z."""
    if value is None:
        return None
    rfc3339 = _utc_rfc3339(value)  # "YYYY-MM-DDTHH:MM:SS[.ffffff]Z", quoted
    return (rfc3339[1:24] + b"Z" if value.microsecond else rfc3339[1:20] + b".000Z").decode()


def whole_seconds(value: datetime | None) -> str | None:
    """A datetime as ISO 8601 in UTC without fractional seconds."""
    if value is None:
        return None
    return (_utc_rfc3339(value)[1:20] + b"Z").decode()


def _utc_rfc3339(value: datetime) -> bytes:
    """The datetime in UTC as msgspec writes it (with a fifth of the work of isoformat)."""
    return msgspec.json.encode(value if value.tzinfo is UTC else value.astimezone(UTC))


def iso(value: date | None) -> str | None:
    """A date as YYYY-MM-DD (msgspec writes it with half the work of isoformat)."""
    return msgspec.json.encode(value)[1:-1].decode() if value else None


class PlacementDocument(msgspec.Struct, kw_only=True):
    """A placement as every API version renders it."""

    placement_id: str
    urn: str | None
    name: str | None
    postcode: str | None
    address: str | None
    created_at: str
    updated_at: str


class DegreeDocument(msgspec.Struct, kw_only=True):
    """A degree as every API version renders it (HESA codes; *_uuid reference-data ids)."""

    degree_id: str
    subject: str | None
    institution: str | None
    country: str | None
    uk_degree: str | None
    non_uk_degree: str | None
    grade: str | None
    graduation_year: int | None
    other_grade: str | None
    subject_uuid: str | None
    institution_uuid: str | None
    uk_degree_uuid: str | None
    grade_uuid: str | None
    created_at: str
    updated_at: str


class TraineeDocument(msgspec.Struct, kw_only=True):
    """A trainee in the domain's vocabulary (the newest version renders it as is);
    `disabilityN` keys follow disability_disclosure, one per code sent. The personal members
    (domain.personal) come first after the id, so that the read model can keep them sealed
    apart and splice them in."""

    trainee_id: str
    provider_trainee_id: str | None
    application_id: int | None
    trn: str | None
    first_names: str | None
    middle_names: str | None
    last_name: str | None
    previous_last_name: str | None
    date_of_birth: str | None
    email: str | None
    sex: str | None
    nationality: str | None
    ethnicity: str | None
    ethnic_group: str | None
    ethnic_background: str | None
    additional_ethnic_background: str | None
    diversity_disclosure: str | None
    disability_disclosure: str | None
    ni_number: str | None
    hesa_id: str | None
    defer_reason: str | None
    withdrawal_another_reason: str | None
    withdrawal_safeguarding_concern_reasons: str | None
    training_route: str | None
    training_initiative: str | None
    additional_training_initiative: str | None
    itt_aim: str | None
    itt_qualification_aim: str | None
    course_year: int | None
    pg_apprenticeship_start_date: str | None
    course_subject_1: str | None
    course_subject_2: str | None
    course_subject_3: str | None
    course_qualification: str | None
    course_title: str | None
    course_level: str
    course_education_phase: str | None
    course_itt_start_date: str | None
    course_age_range: str | None
    course_min_age: int | None
    course_max_age: int | None
    study_mode: str | None
    itt_start_date: str | None
    itt_end_date: str | None
    trainee_start_date: str | None
    outcome_date: str | None
    submitted_for_trn_at: str | None
    recommended_for_award_at: str | None
    awarded_at: str | None
    defer_date: str | None
    reinstate_date: str | None
    withdrawal_date: str | None
    withdrawal_reasons: list[str] | None
    withdrawal_trigger: str | None
    withdrawal_future_interest: str | None
    state: str
    record_source: str
    ukprn: str
    training_partner_urn: str | None
    training_partner_ukprn: str | None
    employing_school_urn: str | None
    iqts_country: str | None
    fund_code: str | None
    funding_method: str | None
    created_at: str
    updated_at: str
    placements: list[PlacementDocument]
    degrees: list[DegreeDocument]


def placement_document(placement: Placement) -> dict[str, Any]:
    """A placement's document as a plain mapping."""
    return msgspec.structs.asdict(_placement(placement))


def _placement(p: Placement) -> PlacementDocument:
    return PlacementDocument(
        placement_id=p.placement_id,
        urn=p.urn,
        name=p.name,
        postcode=p.postcode,
        address=p.address,
        created_at=_stamp(p.created_at),
        updated_at=_stamp(p.updated_at),
    )


def degree_document(degree: Degree) -> dict[str, Any]:
    """A degree's document as a plain mapping."""
    return msgspec.structs.asdict(_degree(degree))


def _degree(d: Degree) -> DegreeDocument:
    fields = msgspec.structs.asdict(d)
    fields.update(created_at=_stamp(d.created_at), updated_at=_stamp(d.updated_at))
    return DegreeDocument(**fields)


def _stamp(value: datetime) -> str:
    return timestamp(value) or ""


Members = Callable[[Any], dict[str, Any]]


def _route_members(route: str | None) -> dict[str, Any]:
    return dict(
        training_route=route,
        course_qualification=None if route is None else "EYTS" if route in EYTS_ROUTES else "QTS",
        course_title=None,
        course_level="undergrad" if route in UNDERGRAD_ROUTES else "postgrad",
    )


_RECORD_MADE: dict[str, Members] = {
    "date_of_birth": lambda day: {"date_of_birth": iso(day)},
    "training_route": _route_members,
    "pg_apprenticeship_start_date": lambda day: {"pg_apprenticeship_start_date": iso(day)},
    "itt_start_date": lambda day: {"course_itt_start_date": iso(day), "itt_start_date": iso(day)},
    "itt_end_date": lambda day: {"itt_end_date": iso(day)},
    "trainee_start_date": lambda day: {"trainee_start_date": iso(day)},
}
"""The record's fields that make members other than themselves as they are; every other one
(but the disabilities) is a member of its own name and value."""


def _record_members(r: TraineeRecord) -> dict[str, Any]:
    """The members made from the trainee's record, but its disabilityN keys."""
    members = msgspec.structs.asdict(r)
    del members["disabilities"]
    for field, made in _RECORD_MADE.items():
        members.update(made(getattr(r, field)))
    return members


def _withdrawal_members(w: Withdrawal | None) -> dict[str, Any]:
    return dict(
        withdrawal_date=iso(w.date) if w else None,
        withdrawal_reasons=list(w.reasons) if w else None,
        withdrawal_trigger=w.trigger if w else None,
        withdrawal_future_interest=w.future_interest if w else None,
        withdrawal_another_reason=w.another_reason if w else None,
        withdrawal_safeguarding_concern_reasons=w.safeguarding_concern_reasons if w else None,
    )


def _graduation(d: Degree) -> int:
    return d.graduation_year or 0


_ONE: dict[str, tuple[str, Callable[[Any], Any] | None]] = {
    "slug": ("trainee_id", None),
    "trn": ("trn", None),
    "outcome_date": ("outcome_date", iso),
    "submitted_for_trn_at": ("submitted_for_trn_at", timestamp),
    "recommended_for_award_at": ("recommended_for_award_at", whole_seconds),
    "awarded_at": ("awarded_at", timestamp),
    "defer_date": ("defer_date", iso),
    "defer_reason": ("defer_reason", None),
    "reinstate_date": ("reinstate_date", iso),
    "state": ("state", str),
    "record_source": ("record_source", None),
    "provider": ("ukprn", attrgetter("ukprn")),
    "created_on": ("created_at", _stamp),
    "modified_on": ("updated_at", _stamp),
}
"""The trainee's attributes that make one member each: its name, and what makes its value
from the attribute's (None: the value itself)."""

_MANY: dict[str, Members] = {
    "record": _record_members,
    "withdrawal": _withdrawal_members,
    "placements": lambda placements: {"placements": [_placement(p) for p in placements]},
    "degrees": lambda degrees: {"degrees": [_degree(d) for d in sorted(degrees, key=_graduation)]},
}
"""The attributes that make several members, or lists of items."""

SOURCES = (*_ONE, *_MANY)
"""The trainee's attributes the document is made from (a member comes from one only), in
the order trainee_sources reads them."""

_read_sources = attrgetter(*SOURCES)
_RECORD = SOURCES.index("record")
_ONE_MADE = tuple(_ONE.values())
_MANY_MADE = tuple(_MANY.values())


def trainee_sources(trainee: Trainee) -> tuple[Any, ...]:
    """The values of the trainee's attributes its document is made from, in SOURCES order."""
    return _read_sources(trainee)


def _document_fields(sources: tuple[Any, ...]) -> dict[str, Any]:
    """The members of the document (domain vocabulary), but its disabilityN keys."""
    fields = {
        name: value if make is None else make(value)
        for (name, make), value in zip(_ONE_MADE, sources, strict=False)
    }
    for members, value in zip(_MANY_MADE, sources[len(_ONE_MADE) :], strict=True):
        fields.update(members(value))
    return fields


def _one(name: str, make: Callable[[Any], Any] | None) -> Members:
    if make is None:
        return lambda value: {name: value}
    return lambda value: {name: make(value)}


def _field_members(field: str) -> Members:
    if field == "disabilities":
        return dict  # the disabilityN members, the document's own keys
    return _RECORD_MADE.get(field) or _one(field, None)


def _plain(members: Members) -> Members:
    return lambda value: msgspec.to_builtins(members(value))


def _member_sources() -> dict[str, Members]:
    out = {attribute: _one(name, make) for attribute, (name, make) in _ONE.items()}
    out.update({f"record.{field}": _field_members(field) for field in RECORD_FIELDS})
    out["withdrawal"] = _withdrawal_members
    out["placements"] = _plain(_MANY["placements"])  # their items are structs
    out["degrees"] = _plain(_MANY["degrees"])
    return out


MEMBER_SOURCES = _member_sources()
"""SOURCES at their finest, the record's fields one by one (`record.<field>`), each making
its members as plain values, as trainee_document has them: a history makes again only the
members of what an event changed."""


def document_struct(trainee: Trainee) -> TraineeDocument:
    """The trainee in the domain's vocabulary, but its disabilityN keys."""
    return TraineeDocument(**_document_fields(trainee_sources(trainee)))


def trainee_document(trainee: Trainee) -> dict[str, Any]:
    """The trainee in the domain's vocabulary, as a plain mapping."""
    return document_from(trainee_sources(trainee))


def document_from(sources: tuple[Any, ...]) -> dict[str, Any]:
    """The document of a trainee whose attributes had these values (trainee_sources), as a
    plain mapping."""
    out: dict[str, Any] = msgspec.json.decode(splice(*_parts(sources)))
    return out


_AFTER_DISABILITIES = b',"ni_number":'
_ID_MEMBER = len(b'{"trainee_id":"')
_FIRST_RECORD_MEMBER = TraineeDocument.__struct_fields__[1 + len(PERSONAL_DOCUMENT_FIELDS)]
_AFTER_PERSONAL = f',"{_FIRST_RECORD_MEMBER}":'.encode()


def document_parts(trainee: Trainee) -> tuple[bytes, bytes]:
    """The document as JSON without its personal members, and those members as JSON object
    members (`"first_names":"Ann",...`): the read model seals the second apart."""
    return _parts(trainee_sources(trainee))


def _parts(sources: tuple[Any, ...]) -> tuple[bytes, bytes]:
    """Encoded whole, then cut where the personal members end (their values are JSON strings,
    in which a quote is always escaped, so the next member's name cannot appear inside them)."""
    whole = msgspec.json.encode(TraineeDocument(**_document_fields(sources)))
    start = whole.index(b'"', _ID_MEMBER) + 1  # the end of the trainee_id member
    end = whole.index(_AFTER_PERSONAL, start)
    members = whole[start + 1 : end]
    disabilities = sources[_RECORD].disabilities
    if disabilities:
        extra = msgspec.json.encode(disabilities)[1:-1]  # "disability1":"58",...
        at = members.index(_AFTER_DISABILITIES)
        members = members[:at] + b"," + extra + members[at:]
    return whole[:start] + whole[end:], members


def splice(record: bytes, members: bytes) -> bytes:
    """The whole document: the personal members put back after the trainee_id member."""
    at = record.index(b'"', _ID_MEMBER) + 1
    return record[:at] + b"," + members + record[at:]


def document_json(trainee: Trainee) -> bytes:
    """The whole document as JSON, encoded straight from its structs."""
    return splice(*document_parts(trainee))
