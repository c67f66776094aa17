"""The rules a trainee record is checked against, in the order the original lists their messages.

The order follows the original's validators: trainee-level checks, then nested placements and
degrees, then the HESA-detail checks (whose initiative check reports on the trainee first), then
code inclusion, disabilities, partner and school links and the iQTS country.
"""

from __future__ import annotations

from domain.rules import (
    Policy,
    Rule,
    course,
    diversity,
    funding,
    inclusion,
    links,
    nested,
    record,
    submission,
)
from domain.rules.switches import Switch

TRAINEE_RULES: tuple[Rule, ...] = (
    course.PRIMARY_SUBJECT,
    course.EARLY_YEARS_SUBJECT,
    course.SUBJECT_DUPLICATES,
    record.ITT_END_DATE,
    record.ID_LENGTHS_RULE,
    record.REQUIRED_RULE,
    record.STUDY_MODE,
    record.EMAIL,
    record.ITT_DATES,
    record.TRAINEE_START_DATE,
    record.DATE_OF_BIRTH,
    nested.DEGREES_REQUIRED,
    nested.DEGREES_UNIQUE,
    record.HESA_ID,
    inclusion.ETHNICITY,
    inclusion.SEX,
    record.NAME_LENGTHS_RULE,
    nested.NESTED_ITEMS,
    funding.TRAINING_INITIATIVE,
    record.HESA_REQUIRED_RULE,
    funding.FUND_CODE,
    funding.FUNDING_METHOD,
    funding.ADDITIONAL_INITIATIVE,
    course.EARLY_YEARS_AGE_RANGE_RULE,
    record.QUALIFICATION_AIM,
    *inclusion.HESA_DETAIL,
    record.COURSE_YEAR,
    inclusion.ADDITIONAL_INITIATIVE,
    *inclusion.COURSE,
    diversity.DISABILITIES_UNIQUE,
    links.TRAINING_PARTNER,
    links.EMPLOYING_SCHOOL,
    inclusion.IQTS_COUNTRY,
)


MEASURED: tuple[tuple[frozenset[Switch], frozenset[str]], ...] = (
    (frozenset({Switch.LENGTHS}), frozenset({*record.NAME_LENGTHS, *record.ID_LENGTHS})),
    (frozenset({Switch.EMAIL}), frozenset({"email"})),
    (frozenset({Switch.HESA_ID_LENGTH}), frozenset({"hesa_id"})),
    (
        frozenset({Switch.SUBMISSION_PERSONAL_DETAILS, Switch.SUBMISSION_ON_UPDATE}),
        frozenset(submission.NAMES_TOO_LONG),
    ),
    (frozenset({Switch.DEFER_REASON}), frozenset({"defer_reason"})),
)
"""The fields whose length a rule checks, and the switches under which it does (on create and
on update alike)."""


def measured(policy: Policy) -> frozenset[str]:
    """The fields a length rule checks under this policy: a text too long to store in one of
    them is that rule's to refuse, in its own words, however long it is."""
    return frozenset().union(
        *(fields for switches, fields in MEASURED if all(map(policy.on, switches)))
    )
