"""From a request's fields to a trainee record: merge, validate, derive (api.md 4.2, 8.2)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from domain import codes
from domain.errors import ValidationFailed
from domain.rules import Candidate, Context, Register, Rule, School, check_all
from domain.rules.formats import parse_date, parse_int
from domain.rules.links import UNCHANGED, partner_link, school_link
from domain.rules.nested import NOT_APPLICABLE_URNS, graduation_year, is_uk_degree, text
from domain.trainee import new_slug
from domain.values import Degree, Placement, TraineeRecord

WRITABLE = (
    "first_names",
    "middle_names",
    "last_name",
    "previous_last_name",
    "date_of_birth",
    "sex",
    "email",
    "nationality",
    "ethnicity",
    "training_route",
    "itt_aim",
    "itt_qualification_aim",
    "course_subject_1",
    "course_subject_2",
    "course_subject_3",
    "study_mode",
    "itt_start_date",
    "itt_end_date",
    "trainee_start_date",
    "course_year",
    "course_age_range",
    "pg_apprenticeship_start_date",
    "fund_code",
    "funding_method",
    "training_initiative",
    "additional_training_initiative",
    "hesa_id",
    "ni_number",
    "provider_trainee_id",
    "application_id",
    "training_partner_urn",
    "training_partner_ukprn",
    "employing_school_urn",
    "iqts_country",
)
# What a placement and a degree carry, in requests and in the records built from them.
PLACEMENT_FIELDS = ("urn", "name", "postcode")
DEGREE_FIELDS = (
    "subject",
    "graduation_year",
    "uk_degree",
    "non_uk_degree",
    "institution",
    "grade",
    "country",
    "other_grade",
)
NULL_CLEARS = frozenset(
    {
        "ethnicity",
        "course_subject_2",
        "course_subject_3",
        "training_partner_urn",
        "training_partner_ukprn",
        "employing_school_urn",
    }
)
DATE_FIELDS = frozenset(
    {
        "date_of_birth",
        "itt_start_date",
        "itt_end_date",
        "trainee_start_date",
        "pg_apprenticeship_start_date",
    }
)
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
    leaving_iqts = current is not None and current.training_route == codes.IQTS_ROUTE
    if leaving_iqts and merged.get("training_route") != codes.IQTS_ROUTE:
        merged["iqts_country"] = None
    return merged


def _degree_item(degree: Degree) -> dict[str, object]:
    """A stored degree as the request item it came from."""
    return {
        key: getattr(degree, key)
        for key in (
            "subject",
            "graduation_year",
            "country",
            "uk_degree",
            "non_uk_degree",
            "grade",
            "institution",
        )
    }


def rewrite_primary_subjects(values: dict[str, object]) -> dict[str, object]:
    """An older behaviour: a primary course's first subject is primary teaching, the subjects
    sent shifted after it (a repeated primary teaching dropped, a fourth subject lost)."""
    ages = codes.age_range(str(values.get("course_age_range") or ""))
    if ages is None or ages[1] > 11:
        return values
    names = ("course_subject_1", "course_subject_2", "course_subject_3")
    sent = [str(values[n]) for n in names if values.get(n) is not None and str(values[n]).strip()]
    subjects = [codes.PRIMARY_TEACHING_CODE, *(s for s in sent if s != codes.PRIMARY_TEACHING_CODE)]
    return {**values, **dict(zip(names, [*subjects[:3], None, None], strict=False))}


def candidate(
    current: TraineeRecord | None,
    sent: Mapping[str, object],
    disabilities: Mapping[str, str],
    placements: Sequence[Mapping[str, object]] = (),
    degrees: Sequence[Mapping[str, object]] | Sequence[Degree] = (),
    *,
    rewrite_primary: bool = False,
) -> Candidate:
    """The record to validate: new, or stored with the request laid over (and its degrees)."""
    forced = str(sent.get("funding_method")) == codes.VETERANS_FUNDING_METHOD
    values = merge(current, sent)
    return Candidate(
        rewrite_primary_subjects(values) if rewrite_primary else values,
        {**current.disabilities, **disabilities} if current else dict(disabilities),
        tuple(placements) if current is None else (),
        tuple(d if isinstance(d, Mapping) else _degree_item(d) for d in degrees),
        creating=current is None,
        sent=frozenset(sent),
        forced_initiative=codes.VETERANS_INITIATIVE if forced else None,
    )


def resolved(c: Candidate, register: Register) -> dict[str, object]:
    """The values to store: partner and school as resolved, an imposed initiative's code."""
    values = dict(c.values)
    partner = partner_link(c, register)
    if isinstance(partner, tuple):
        values["training_partner_urn"], values["training_partner_ukprn"] = partner
    school = school_link(c, register)
    if school != UNCHANGED:
        values["employing_school_urn"] = school
    if c.forced_initiative is not None:
        values["training_initiative"] = codes.initiative_code(c.forced_initiative)
    return values


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


def placement_address(urn: str | None, postcode: str | None, school: School | None) -> str | None:
    """The rendered address: none for magic URNs; "URN <urn>, <town>, <postcode>" for a school."""
    if urn in NOT_APPLICABLE_URNS:
        return None
    if school is not None:
        return ", ".join((f"URN {school.urn}", school.town or "", school.postcode or ""))
    parts = ([f"URN {urn}"] if urn else []) + ([postcode] if postcode else [])
    return ", ".join(parts) or None


def at_school(placement: Placement) -> bool:
    """Whether the placement's name and postcode are a known school's (its address says so)."""
    address = placement_address(placement.urn, placement.postcode, None)
    return placement.address is not None and placement.address != address


def build_placement(
    item: Mapping[str, object], at: datetime, school: School | None = None
) -> Placement:
    """A new placement: a known school gives URN, name, postcode; magic URNs a fixed name."""
    urn = text(item, "urn")
    name: str | None
    postcode: str | None
    if school is not None:
        urn, name, postcode = school.urn, school.name, school.postcode
    elif urn in NOT_APPLICABLE_URNS:
        name, postcode = codes.not_applicable_label(urn), text(item, "postcode")
    else:
        name, postcode = text(item, "name"), text(item, "postcode")
    return Placement(
        placement_id=new_slug(),
        urn=urn,
        name=name,
        postcode=postcode,
        address=placement_address(urn, postcode, school),
        created_at=at,
        updated_at=at,
    )


def _known(list_name: str, code: str | None) -> str | None:
    """The code when the list has it, else None (unknown codes are not stored)."""
    return code if code and codes.uuid_of(list_name, code) else None


def build_degree(item: Mapping[str, object], at: datetime, uk: bool | None = None) -> Degree:
    """A degree: UK ones keep no country; an unknown UK institution is Other UK. An institution
    makes a new degree UK; one moved abroad keeps its institution (uk: the locale decided)."""
    uk = is_uk_degree(item) if uk is None else uk
    institution = _known("institution", codes.institution(text(item, "institution")))
    grade = _known("degree_grade", codes.grade(text(item, "grade")))
    subject = _known("degree_subject", text(item, "subject"))
    return Degree(
        degree_id=new_slug(),
        subject=subject,
        institution=institution,
        country=None if uk else text(item, "country"),
        uk_degree=text(item, "uk_degree") if uk else None,
        non_uk_degree=None if uk else text(item, "non_uk_degree"),
        grade=grade,
        graduation_year=graduation_year(item.get("graduation_year")),
        other_grade=None,
        subject_uuid=codes.uuid_of("degree_subject", subject),
        institution_uuid=codes.uuid_of("institution", institution)
        or (codes.other_uk_institution_id() if uk else None),
        uk_degree_uuid=codes.uuid_of("degree_type", text(item, "uk_degree") if uk else None),
        grade_uuid=codes.uuid_of("degree_grade", grade),
        created_at=at,
        updated_at=at,
    )
