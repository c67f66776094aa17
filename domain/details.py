"""From a request's fields to a trainee record: merge, validate, derive (api.md 4.2, 8.2)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from domain import codes
from domain.errors import ValidationFailed
from domain.rules import Candidate, Context, Rule, check_all
from domain.rules.formats import parse_date, parse_int
from domain.rules.nested import NOT_APPLICABLE_URNS, graduation_year, is_uk_degree, text
from domain.trainee import new_slug
from domain.values import Degree, Placement, TraineeRecord

WRITABLE = (
    "first_names", "middle_names", "last_name", "previous_last_name", "date_of_birth", "sex",
    "email", "nationality", "ethnicity", "training_route", "itt_aim", "itt_qualification_aim",
    "course_subject_1", "course_subject_2", "course_subject_3", "study_mode", "itt_start_date",
    "itt_end_date", "trainee_start_date", "course_year", "course_age_range",
    "pg_apprenticeship_start_date", "fund_code", "funding_method", "training_initiative",
    "additional_training_initiative", "hesa_id", "ni_number", "provider_trainee_id",
    "application_id", "training_partner_urn", "training_partner_ukprn", "employing_school_urn",
    "iqts_country",
)  # fmt: skip
NULL_CLEARS = frozenset({"ethnicity", "course_subject_2", "course_subject_3"})
DATE_FIELDS = frozenset(
    {"date_of_birth", "itt_start_date", "itt_end_date", "trainee_start_date",
     "pg_apprenticeship_start_date"}
)  # fmt: skip
INTEGER_FIELDS = frozenset({"course_year", "application_id"})
NOT_PROVIDED_ETHNICITY = "997"


def raw_values(record: TraineeRecord) -> dict[str, object]:
    """A stored record's writable fields as request-like values."""
    values: dict[str, object] = {}
    for name in WRITABLE:
        value = getattr(record, name)
        values[name] = value.isoformat() if isinstance(value, date) else value
    return values


def merge(current: TraineeRecord | None, sent: Mapping[str, object]) -> dict[str, object]:
    """Overlay the sent fields on the stored ones; null means absent, except where it clears."""
    merged = raw_values(current) if current else {}
    for name, value in sent.items():
        if name not in WRITABLE:
            continue
        if value is None and name not in NULL_CLEARS:
            continue
        merged[name] = value
    blank_ethnicity = not str(merged.get("ethnicity") or "").strip()
    if (current is None or "ethnicity" in sent) and blank_ethnicity:
        merged["ethnicity"] = NOT_PROVIDED_ETHNICITY
    if not merged.get("trainee_start_date"):
        merged["trainee_start_date"] = merged.get("itt_start_date")
    return merged


def validate(rules: Iterable[Rule], candidate: Candidate, context: Context) -> None:
    """Raise ValidationFailed with every problem the rules find."""
    problems = check_all(rules, candidate, context)
    if problems:
        raise ValidationFailed(problems)


def _typed(name: str, value: object) -> object:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if name in DATE_FIELDS:
        return parse_date(value)
    if name in INTEGER_FIELDS:
        return parse_int(value)
    return (
        str(value).strip() if name in ("first_names", "last_name", "middle_names") else str(value)
    )


def build_record(values: Mapping[str, object], disabilities: Mapping[str, str]) -> TraineeRecord:
    """The record to store, with every server-side derivation applied."""
    fields = {name: _typed(name, values.get(name)) for name in WRITABLE}
    ethnicity = fields["ethnicity"]
    background = codes.ethnic_background(str(ethnicity)) if ethnicity else None
    route = fields["training_route"]
    age_range = codes.age_range(str(fields["course_age_range"] or ""))
    disability_disclosure = codes.disability_disclosure(disabilities.values())
    fields.update(
        ethnicity=codes.ethnicity_code(background) if background else ethnicity,
        ethnic_background=background,
        ethnic_group=codes.ethnic_group(background) if background else None,
        disabilities=dict(disabilities),
        disability_disclosure=disability_disclosure,
        diversity_disclosure=(
            "diversity_disclosed"
            if codes.ethnicity_disclosed(background)
            or disability_disclosure in ("disabled", "no_disability")
            else "diversity_not_disclosed"
        ),
        course_min_age=age_range[0] if age_range else None,
        course_max_age=age_range[1] if age_range else None,
        course_education_phase=codes.education_phase(
            str(route) if route else None, str(fields["course_age_range"] or ""), age_range
        ),
    )
    return TraineeRecord(**fields)  # type: ignore[arg-type]


def build_placement(item: Mapping[str, object], at: datetime) -> Placement:
    """A new placement from a request item; not-applicable URNs get their fixed name."""
    urn = text(item, "urn")
    name = codes.not_applicable_label(urn) if urn in NOT_APPLICABLE_URNS else text(item, "name")
    postcode = text(item, "postcode")
    address = None
    if urn not in NOT_APPLICABLE_URNS:
        parts = [f"URN {urn}"] if urn else []
        parts += [postcode] if postcode else []
        address = ", ".join(parts) or None
    return Placement(
        placement_id=new_slug(), urn=urn, name=name, postcode=postcode, address=address,
        created_at=at, updated_at=at,
    )  # fmt: skip


def build_degree(item: Mapping[str, object], at: datetime) -> Degree:
    """A new degree from a request item: UK degrees keep no country, others no institution."""
    uk = is_uk_degree(item)
    institution = codes.institution(text(item, "institution")) if uk else None
    grade = codes.grade(text(item, "grade"))
    return Degree(
        degree_id=new_slug(),
        subject=text(item, "subject"),
        institution=institution,
        country=None if uk else text(item, "country"),
        uk_degree=text(item, "uk_degree") if uk else None,
        non_uk_degree=None if uk else text(item, "non_uk_degree"),
        grade=grade,
        graduation_year=graduation_year(item.get("graduation_year")),
        other_grade=None,
        subject_uuid=codes.uuid_of("degree_subject", text(item, "subject")),
        institution_uuid=codes.uuid_of("institution", institution),
        uk_degree_uuid=codes.uuid_of("degree_type", text(item, "uk_degree") if uk else None),
        grade_uuid=codes.uuid_of("degree_grade", grade),
        created_at=at,
        updated_at=at,
    )
