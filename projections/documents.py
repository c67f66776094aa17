"""The trainee document, in the domain's vocabulary (the newest version renders it as is)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import msgspec

from domain.personal import PERSONAL_DOCUMENT_FIELDS
from domain.trainee import Trainee
from domain.values import Degree, Placement

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


def document_struct(trainee: Trainee) -> TraineeDocument:
    """The trainee in the domain's vocabulary, but its disabilityN keys."""
    r = trainee.record
    route = r.training_route
    w = trainee.withdrawal
    return TraineeDocument(
        trainee_id=trainee.slug,
        provider_trainee_id=r.provider_trainee_id,
        application_id=r.application_id,
        trn=trainee.trn,
        first_names=r.first_names,
        middle_names=r.middle_names,
        last_name=r.last_name,
        previous_last_name=r.previous_last_name,
        date_of_birth=iso(r.date_of_birth),
        email=r.email,
        sex=r.sex,
        nationality=r.nationality,
        ethnicity=r.ethnicity,
        ethnic_group=r.ethnic_group,
        ethnic_background=r.ethnic_background,
        additional_ethnic_background=r.additional_ethnic_background,
        diversity_disclosure=r.diversity_disclosure,
        disability_disclosure=r.disability_disclosure,
        training_route=route,
        training_initiative=r.training_initiative,
        additional_training_initiative=r.additional_training_initiative,
        itt_aim=r.itt_aim,
        itt_qualification_aim=r.itt_qualification_aim,
        course_year=r.course_year,
        ni_number=r.ni_number,
        pg_apprenticeship_start_date=iso(r.pg_apprenticeship_start_date),
        course_subject_1=r.course_subject_1,
        course_subject_2=r.course_subject_2,
        course_subject_3=r.course_subject_3,
        course_qualification=None if route is None else "EYTS" if route in EYTS_ROUTES else "QTS",
        course_title=None,
        course_level="undergrad" if route in UNDERGRAD_ROUTES else "postgrad",
        course_education_phase=r.course_education_phase,
        course_itt_start_date=iso(r.itt_start_date),
        course_age_range=r.course_age_range,
        course_min_age=r.course_min_age,
        course_max_age=r.course_max_age,
        study_mode=r.study_mode,
        itt_start_date=iso(r.itt_start_date),
        itt_end_date=iso(r.itt_end_date),
        trainee_start_date=iso(r.trainee_start_date),
        outcome_date=iso(trainee.outcome_date),
        submitted_for_trn_at=timestamp(trainee.submitted_for_trn_at),
        recommended_for_award_at=whole_seconds(trainee.recommended_for_award_at),
        awarded_at=timestamp(trainee.awarded_at),
        defer_date=iso(trainee.defer_date),
        defer_reason=trainee.defer_reason,
        reinstate_date=iso(trainee.reinstate_date),
        withdrawal_date=iso(w.date) if w else None,
        withdrawal_reasons=list(w.reasons) if w else None,
        withdrawal_trigger=w.trigger if w else None,
        withdrawal_future_interest=w.future_interest if w else None,
        withdrawal_another_reason=w.another_reason if w else None,
        withdrawal_safeguarding_concern_reasons=w.safeguarding_concern_reasons if w else None,
        state=str(trainee.state),
        record_source=trainee.record_source,
        hesa_id=r.hesa_id,
        ukprn=trainee.provider.ukprn,
        training_partner_urn=r.training_partner_urn,
        training_partner_ukprn=r.training_partner_ukprn,
        employing_school_urn=r.employing_school_urn,
        iqts_country=r.iqts_country,
        fund_code=r.fund_code,
        funding_method=r.funding_method,
        created_at=_stamp(trainee.created_on),
        updated_at=_stamp(trainee.modified_on),
        placements=[_placement(p) for p in trainee.placements],
        degrees=[_degree(d) for d in sorted(trainee.degrees, key=lambda d: d.graduation_year or 0)],
    )


def trainee_document(trainee: Trainee) -> dict[str, Any]:
    """The trainee in the domain's vocabulary, as a plain mapping."""
    out: dict[str, Any] = msgspec.json.decode(document_json(trainee))
    return out


_AFTER_DISABILITIES = b',"ni_number":'
_ID_MEMBER = len(b'{"trainee_id":"')
_FIRST_RECORD_MEMBER = TraineeDocument.__struct_fields__[1 + len(PERSONAL_DOCUMENT_FIELDS)]
_AFTER_PERSONAL = f',"{_FIRST_RECORD_MEMBER}":'.encode()


def document_parts(trainee: Trainee) -> tuple[bytes, bytes]:
    """The document as JSON without its personal members, and those members as JSON object
    members (`"first_names":"Ann",...`): the read model seals the second apart. Encoded whole,
    then cut where the personal members end (their values are JSON strings, in which a quote
    is always escaped, so the next member's name cannot appear inside them)."""
    whole = msgspec.json.encode(document_struct(trainee))
    start = whole.index(b'"', _ID_MEMBER) + 1  # the end of the trainee_id member
    end = whole.index(_AFTER_PERSONAL, start)
    members = whole[start + 1 : end]
    disabilities = trainee.record.disabilities
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
