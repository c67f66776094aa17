"""The rules a trainee record is checked against, in the order the original lists their messages.

The order follows the original's validators: trainee-level checks, then nested placements and
degrees, then the HESA-detail checks (whose initiative check reports on the trainee first), then
code inclusion, disabilities, partner and school links and the iQTS country.
"""

from __future__ import annotations

from domain.rules import Rule, course, diversity, funding, inclusion, links, nested, record

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
