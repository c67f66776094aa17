"""Value objects carried by trainee events: the record, its placements and degrees, the actor."""

from __future__ import annotations

from datetime import date, datetime
from itertools import compress, repeat
from operator import is_not

import msgspec


class Actor(
    msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, forbid_unknown_fields=True
):
    """Who caused an event: an API client (provider and token) or an operator."""

    source: str
    provider_id: str | None = None
    token_id: str | None = None
    api_version: str | None = None
    request_id: str | None = None
    operator: str | None = None


class ProviderRef(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The training provider that owns a trainee."""

    provider_id: str
    ukprn: str


class Placement(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A school placement of the trainee."""

    placement_id: str
    urn: str | None = None
    name: str | None = None
    postcode: str | None = None
    address: str | None = None
    created_at: datetime
    updated_at: datetime


class Degree(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A previous degree of the trainee, held as HESA codes."""

    degree_id: str
    subject: str | None = None
    institution: str | None = None
    country: str | None = None
    uk_degree: str | None = None
    non_uk_degree: str | None = None
    grade: str | None = None
    graduation_year: int | None = None
    other_grade: str | None = None
    subject_uuid: str | None = None
    institution_uuid: str | None = None
    uk_degree_uuid: str | None = None
    grade_uuid: str | None = None
    created_at: datetime
    updated_at: datetime


class Withdrawal(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Why and when a trainee left the course."""

    date: date
    trigger: str
    reasons: tuple[str, ...]
    future_interest: str
    another_reason: str | None = None
    safeguarding_concern_reasons: str | None = None


class Erasure(msgspec.Struct, frozen=True, kw_only=True):
    """When and why a trainee's personal data was erased (no personal data itself)."""

    at: datetime
    reason: str
    ticket: str | None = None


class TraineeRecord(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The trainee's personal, course and funding details, in HESA codes (the domain's meaning)."""

    first_names: str | None = None
    middle_names: str | None = None
    last_name: str | None = None
    previous_last_name: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None
    email: str | None = None
    nationality: str | None = None
    ethnicity: str | None = None
    ethnic_group: str | None = None
    ethnic_background: str | None = None
    additional_ethnic_background: str | None = None
    diversity_disclosure: str | None = None
    disability_disclosure: str | None = None
    disabilities: dict[str, str] = {}
    training_route: str | None = None
    itt_aim: str | None = None
    itt_qualification_aim: str | None = None
    course_subject_1: str | None = None
    course_subject_2: str | None = None
    course_subject_3: str | None = None
    study_mode: str | None = None
    itt_start_date: date | None = None
    itt_end_date: date | None = None
    trainee_start_date: date | None = None
    course_year: int | None = None
    course_age_range: str | None = None
    course_min_age: int | None = None
    course_max_age: int | None = None
    course_education_phase: str | None = None
    pg_apprenticeship_start_date: date | None = None
    fund_code: str | None = None
    funding_method: str | None = None
    training_initiative: str | None = None
    additional_training_initiative: str | None = None
    hesa_id: str | None = None
    ni_number: str | None = None
    provider_trainee_id: str | None = None
    application_id: int | None = None
    training_partner_urn: str | None = None
    training_partner_ukprn: str | None = None
    employing_school_urn: str | None = None
    iqts_country: str | None = None


RECORD_FIELDS: tuple[str, ...] = TraineeRecord.__struct_fields__


def record_changes(before: TraineeRecord, after: TraineeRecord) -> dict[str, object]:
    """The fields whose values differ between two records, with their new values."""
    return {
        name: getattr(after, name)
        for name in RECORD_FIELDS
        if getattr(before, name) != getattr(after, name)
    }


def _partial_record_type() -> type[msgspec.Struct]:
    """A record type whose every field may be left unset: the payload of a details change."""
    fields = [
        (info.name, info.type | msgspec.UnsetType, msgspec.UNSET)
        for info in msgspec.structs.fields(TraineeRecord)
    ]
    return msgspec.defstruct(
        "RecordChanges",
        fields,
        frozen=True,
        kw_only=True,
        omit_defaults=True,
        forbid_unknown_fields=True,
        module=__name__,
    )


RecordChanges = _partial_record_type()


def changed_fields(changes: msgspec.Struct) -> dict[str, object]:
    """The fields a RecordChanges value sets, with their values."""
    values = msgspec.structs.astuple(changes)  # picked in C: a replay calls this per change
    is_set = map(is_not, values, repeat(msgspec.UNSET))
    return dict(compress(zip(changes.__struct_fields__, values, strict=True), is_set))
