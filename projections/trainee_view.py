"""The trainee read model: one row per trainee, its document in the head API vocabulary."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from domain.trainee import Trainee
from domain.values import Degree, Placement

UNDERGRAD_ROUTES = frozenset({"09", "11", "14", "18"})
EYTS_ROUTES = frozenset({"17", "18", "19", "20"})
NOT_APPLICABLE_URNS = frozenset({"900000", "900010", "900020", "900030"})

COLUMNS = (
    "id", "slug", "slug_key", "provider_id", "version", "state", "trn", "itt_start_date",
    "start_cycle_year", "created_at", "updated_at", "last_name_key", "first_name_key",
    "email_key", "date_of_birth", "training_route", "doc",
)  # fmt: skip


def timestamp(value: datetime | None) -> str | None:
    """A datetime as the API renders it: UTC with milliseconds, e.g. 2025-09-15T12:34:56.000Z."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def whole_seconds(value: datetime | None) -> str | None:
    """A datetime as ISO 8601 in UTC without fractional seconds."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso(value: date | None) -> str | None:
    """A date as YYYY-MM-DD."""
    return value.isoformat() if value else None


def cycle_year(day: date) -> int:
    """The start year of the academic cycle (1 August to 31 July) containing the day."""
    return day.year if day.month >= 8 else day.year - 1


def start_cycle_year(trainee: Trainee, today: date | None = None) -> int:
    """The trainee's start academic cycle: from the trainee start date, else the ITT start."""
    record = trainee.record
    day = record.trainee_start_date or record.itt_start_date
    if day is None:
        day = (today or datetime.now(UTC).date()) + timedelta(days=31)
    return cycle_year(day)


def first_name_key(first_names: str | None) -> str | None:
    """The first forename, lower-cased, letters only: how duplicates are compared."""
    if not first_names:
        return None
    words = re.sub(r"[^a-z ]", "", first_names.strip().lower()).split()
    return words[0] if words else None


def placement_document(placement: Placement) -> dict[str, Any]:
    """A placement as every API version renders it."""
    return {
        "placement_id": placement.placement_id,
        "urn": placement.urn,
        "name": placement.name,
        "postcode": placement.postcode,
        "address": placement.address,
        "created_at": timestamp(placement.created_at),
        "updated_at": timestamp(placement.updated_at),
    }


def degree_document(degree: Degree) -> dict[str, Any]:
    """A degree as every API version renders it."""
    document: dict[str, Any] = msgspec.structs.asdict(degree)
    document["created_at"] = timestamp(degree.created_at)
    document["updated_at"] = timestamp(degree.updated_at)
    return document


def trainee_document(trainee: Trainee) -> dict[str, Any]:
    """The trainee as the head version (v2026.1) renders it."""
    r = trainee.record
    route = r.training_route
    withdrawal = getattr(trainee, "withdrawal", None)
    document: dict[str, Any] = {
        "trainee_id": trainee.slug,
        "provider_trainee_id": r.provider_trainee_id,
        "application_id": r.application_id,
        "trn": trainee.trn,
        "first_names": r.first_names,
        "middle_names": r.middle_names,
        "last_name": r.last_name,
        "previous_last_name": r.previous_last_name,
        "date_of_birth": iso(r.date_of_birth),
        "email": r.email,
        "sex": r.sex,
        "nationality": r.nationality,
        "ethnicity": r.ethnicity,
        "ethnic_group": r.ethnic_group,
        "ethnic_background": r.ethnic_background,
        "additional_ethnic_background": r.additional_ethnic_background,
        "diversity_disclosure": r.diversity_disclosure,
        "disability_disclosure": r.disability_disclosure,
        **r.disabilities,
        "training_route": route,
        "training_initiative": r.training_initiative,
        "additional_training_initiative": r.additional_training_initiative,
        "itt_aim": r.itt_aim,
        "itt_qualification_aim": r.itt_qualification_aim,
        "course_year": r.course_year,
        "ni_number": r.ni_number,
        "pg_apprenticeship_start_date": iso(r.pg_apprenticeship_start_date),
        "course_subject_1": r.course_subject_1,
        "course_subject_2": r.course_subject_2,
        "course_subject_3": r.course_subject_3,
        "course_qualification": None
        if route is None
        else "EYTS"
        if route in EYTS_ROUTES
        else "QTS",
        "course_title": None,
        "course_level": "undergrad" if route in UNDERGRAD_ROUTES else "postgrad",
        "course_education_phase": r.course_education_phase,
        "course_itt_start_date": iso(r.itt_start_date),
        "course_age_range": r.course_age_range,
        "course_min_age": r.course_min_age,
        "course_max_age": r.course_max_age,
        "study_mode": r.study_mode,
        "itt_start_date": iso(r.itt_start_date),
        "itt_end_date": iso(r.itt_end_date),
        "trainee_start_date": iso(r.trainee_start_date),
        "outcome_date": iso(getattr(trainee, "outcome_date", None)),
        "submitted_for_trn_at": timestamp(trainee.submitted_for_trn_at),
        "recommended_for_award_at": whole_seconds(
            getattr(trainee, "recommended_for_award_at", None)
        ),
        "awarded_at": timestamp(getattr(trainee, "awarded_at", None)),
        "defer_date": iso(getattr(trainee, "defer_date", None)),
        "defer_reason": getattr(trainee, "defer_reason", None),
        "reinstate_date": iso(getattr(trainee, "reinstate_date", None)),
        "withdrawal_date": iso(withdrawal.date) if withdrawal else None,
        "withdrawal_reasons": list(withdrawal.reasons) if withdrawal else None,
        "withdrawal_trigger": withdrawal.trigger if withdrawal else None,
        "withdrawal_future_interest": withdrawal.future_interest if withdrawal else None,
        "withdrawal_another_reason": withdrawal.another_reason if withdrawal else None,
        "withdrawal_safeguarding_concern_reasons": (
            withdrawal.safeguarding_concern_reasons if withdrawal else None
        ),
        "state": str(trainee.state),
        "record_source": trainee.record_source,
        "hesa_id": r.hesa_id,
        "ukprn": trainee.provider.ukprn,
        "training_partner_urn": r.training_partner_urn,
        "training_partner_ukprn": r.training_partner_ukprn,
        "employing_school_urn": r.employing_school_urn,
        "iqts_country": r.iqts_country,
        "fund_code": r.fund_code,
        "funding_method": r.funding_method,
        "created_at": timestamp(trainee.created_on),
        "updated_at": timestamp(trainee.modified_on),
        "placements": [placement_document(p) for p in trainee.placements],
        "degrees": [
            degree_document(d)
            for d in sorted(trainee.degrees, key=lambda d: d.graduation_year or 0)
        ],
    }
    return document


def trainee_row(trainee: Trainee) -> tuple[Any, ...]:
    """The read-model row of a trainee, in COLUMNS order."""
    r = trainee.record
    return (
        trainee.id,
        trainee.slug,
        trainee.slug.lower(),
        trainee.provider.provider_id,
        trainee.version,
        str(trainee.state),
        trainee.trn,
        r.itt_start_date,
        start_cycle_year(trainee),
        trainee.created_on,
        trainee.modified_on,
        (r.last_name or "").strip().lower() or None,
        first_name_key(r.first_names),
        (r.email or "").strip().lower() or None,
        r.date_of_birth,
        r.training_route,
        msgspec.json.encode(trainee_document(trainee)).decode(),
    )
