"""The declared names of the rules, and of the parts of rules, that a policy may switch."""

from __future__ import annotations

from enum import StrEnum


class Switch(StrEnum):
    """A rule, or a part of one, that an API version may switch off (or, for an older
    behaviour, on). A name not declared here cannot be switched: a typo fails at import."""

    ADDITIONAL_TRAINING_INITIATIVE = "additional_training_initiative"
    COURSE_AGE_RANGE_CODE = "course_age_range_code"
    COURSE_SUBJECT_CODES = "course_subject_codes"
    COURSE_SUBJECT_DUPLICATES = "course_subject_duplicates"
    COURSE_YEAR_INTEGER = "course_year_integer"
    DATE_OF_BIRTH = "date_of_birth"
    DATE_OF_BIRTH_RANGE = "date_of_birth_range"
    DEFER_DATE = "defer_date"
    DEFER_REASON = "defer_reason"
    DEFER_STATE = "defer_state"
    DEGREES_REQUIRED = "degrees_required"
    DISABILITIES_UNIQUE = "disabilities_unique"
    DUPLICATE_DEGREES_IN_REQUEST = "duplicate_degrees_in_request"
    EARLY_YEARS = "early_years"
    EARLY_YEARS_AGE_RANGE = "early_years_age_range"
    EARLY_YEARS_SUBJECT = "early_years_subject"
    EDITS_REFUSED_WHEN_COMPLETE = "edits_refused_when_complete"
    EMAIL = "email"
    EMAIL_FORMAT = "email_format"
    EMPLOYING_SCHOOL = "employing_school"
    ETHNICITY_CODE = "ethnicity_code"
    FUND_CODE = "fund_code"
    FUND_CODE_EXCEPTION = "fund_code_exception"
    FUND_CODE_EXCEPTION_2026 = "fund_code_exception_2026"
    FUND_CODE_INCLUSION = "fund_code_inclusion"
    FUNDING_CURRENT_CYCLE = "funding_current_cycle"
    FUNDING_FIXED_ROUTES = "funding_fixed_routes"
    FUNDING_METHOD = "funding_method"
    FUNDING_METHOD_CODE = "funding_method_code"
    GRADUATION_YEAR_AT_SAVE = "graduation_year_at_save"
    HESA_ID_LENGTH = "hesa_id_length"
    HESA_REQUIRED = "hesa_required"
    IQTS_COUNTRY = "iqts_country"
    ITT_AIM_CODE = "itt_aim_code"
    ITT_DATES = "itt_dates"
    ITT_END_AFTER_START = "itt_end_after_start"
    ITT_END_DATE = "itt_end_date"
    ITT_END_DATE_WINDOW = "itt_end_date_window"
    ITT_QUALIFICATION_AIM = "itt_qualification_aim"
    ITT_QUALIFICATION_AIM_CODE = "itt_qualification_aim_code"
    ITT_QUALIFICATION_AIM_INTEGER_BUG = "itt_qualification_aim_integer_bug"
    ITT_START_DATE_LIMIT = "itt_start_date_limit"
    LENGTHS = "lengths"
    NATIONALITY_CODE = "nationality_code"
    NESTED_ITEMS = "nested_items"
    NEWER_ROUTES = "newer_routes"
    PARTNER_ERRORS_BY_FIELD = "partner_errors_by_field"
    PRIMARY_SUBJECT = "primary_subject"
    PRIMARY_SUBJECT_REWRITE = "primary_subject_rewrite"
    QTS_STANDARDS_MET_DATE = "qts_standards_met_date"
    RECOMMENDATION_DEGREE = "recommendation_degree"
    RECOMMENDATION_PLACEMENTS = "recommendation_placements"
    RECOMMENDATION_STATE = "recommendation_state"
    REQUIRED = "required"
    ROUTE_02 = "route_02"
    SEX_CODE = "sex_code"
    STUDY_MODE_CODE = "study_mode_code"
    STUDY_MODE_OPTIONAL_FOR_ASSESSMENT_ONLY = "study_mode_optional_for_assessment_only"
    STUDY_MODE_REQUIRED = "study_mode_required"
    SUBMISSION_COURSE_DETAILS = "submission_course_details"
    SUBMISSION_DIVERSITY = "submission_diversity"
    SUBMISSION_ON_UPDATE = "submission_on_update"
    SUBMISSION_PERSONAL_DETAILS = "submission_personal_details"
    TRAINEE_START_DATE = "trainee_start_date"
    TRAINEE_START_DATE_EQUAL_TO_ITT_START = "trainee_start_date_equal_to_itt_start"
    TRAINING_INITIATIVE_AVAILABILITY = "training_initiative_availability"
    TRAINING_INITIATIVE_CODE = "training_initiative_code"
    TRAINING_PARTNER = "training_partner"
    TRAINING_ROUTE_CODE = "training_route_code"
    UNKNOWN_PARTNER_OR_SCHOOL = "unknown_partner_or_school"
    WITHDRAWAL_ANOTHER_REASON = "withdrawal_another_reason"
    WITHDRAWAL_DATE = "withdrawal_date"
    WITHDRAWAL_FUTURE_INTEREST = "withdrawal_future_interest"
    WITHDRAWAL_REASONS = "withdrawal_reasons"
    WITHDRAWAL_SAFEGUARDING = "withdrawal_safeguarding"
    WITHDRAWAL_TRIGGER = "withdrawal_trigger"


OLDER_BEHAVIOURS = frozenset(
    {
        Switch.ROUTE_02,
        Switch.PRIMARY_SUBJECT_REWRITE,
        Switch.SUBMISSION_ON_UPDATE,
        Switch.SUBMISSION_PERSONAL_DETAILS,
        Switch.FUNDING_CURRENT_CYCLE,
        Switch.FUNDING_FIXED_ROUTES,
        Switch.ITT_QUALIFICATION_AIM_INTEGER_BUG,
        Switch.GRADUATION_YEAR_AT_SAVE,
    }
)
"""Behaviours only older API versions have: off unless a version switches them on."""

DESCRIPTIONS: dict[Switch, str] = {
    Switch.ADDITIONAL_TRAINING_INITIATIVE: "additional_training_initiative is checked against "
    "the initiatives of the trainee's academic cycle",
    Switch.COURSE_SUBJECT_DUPLICATES: "the second and third course subjects may not repeat "
    "another subject",
    Switch.COURSE_YEAR_INTEGER: "course_year must be a whole number",
    Switch.DATE_OF_BIRTH_RANGE: "date_of_birth must be a plausible past date",
    Switch.DEGREES_REQUIRED: "a postgraduate route needs degrees_attributes on create",
    Switch.DUPLICATE_DEGREES_IN_REQUEST: "a create may not send the same degree twice",
    Switch.EARLY_YEARS: "early-years routes take their own subject and age range",
    Switch.EDITS_REFUSED_WHEN_COMPLETE: "a recommended, withdrawn or awarded trainee, its "
    "placements and degrees can no longer be edited",
    Switch.FUND_CODE: "fund_code 7 needs a route funded in the trainee's academic cycle",
    Switch.FUND_CODE_EXCEPTION: "language and physics trainees may be funded with fund_code 2",
    Switch.FUND_CODE_EXCEPTION_2026: "the language and physics fund_code exception covers 2026 "
    "as well as 2025",
    Switch.FUND_CODE_INCLUSION: "fund_code must be a code of its list",
    Switch.FUNDING_CURRENT_CYCLE: "funding rules are looked up in today's academic cycle, not "
    "the trainee's",
    Switch.FUNDING_FIXED_ROUTES: "fund_code 7 is allowed only for the four provider-led and "
    "school direct routes",
    Switch.FUNDING_METHOD: "a bursary, scholarship or grant needs a funding rule for the route "
    "and subject",
    Switch.GRADUATION_YEAR_AT_SAVE: "a degree's graduation year is checked against the 60-year "
    "window only when the rest of the request passed, as the degree is saved",
    Switch.HESA_ID_LENGTH: "hesa_id must have 13 or 17 digits",
    Switch.IQTS_COUNTRY: "iqts_country is accepted and checked",
    Switch.ITT_END_AFTER_START: "itt_end_date must be after itt_start_date",
    Switch.ITT_END_DATE_WINDOW: "itt_end_date must fall within ten years of itt_start_date",
    Switch.ITT_QUALIFICATION_AIM_INTEGER_BUG: "itt_qualification_aim is required only when "
    "blank (the original compared text with a number)",
    Switch.ITT_START_DATE_LIMIT: "itt_start_date may be at most one year ahead",
    Switch.LENGTHS: "text fields have maximum lengths",
    Switch.NEWER_ROUTES: "the iQTS, assessment-only, early-years and HPITT routes are accepted",
    Switch.PARTNER_ERRORS_BY_FIELD: "an unknown training partner is reported on the field "
    "sent (URN or UKPRN)",
    Switch.PRIMARY_SUBJECT: "a primary course's subjects are checked, not rewritten",
    Switch.PRIMARY_SUBJECT_REWRITE: "a primary course's first subject is set to primary "
    "teaching and the others shifted",
    Switch.ROUTE_02: "route 02 (school direct tuition fee) is accepted",
    Switch.STUDY_MODE_OPTIONAL_FOR_ASSESSMENT_ONLY: "study_mode is optional on the "
    "assessment-only route",
    Switch.SUBMISSION_ON_UPDATE: "an update runs the submission checks again",
    Switch.SUBMISSION_PERSONAL_DETAILS: "the submission checks include personal details: "
    "names of at most 60 characters, a date of birth in the past, 16 to 100 years ago",
    Switch.TRAINEE_START_DATE_EQUAL_TO_ITT_START: "trainee_start_date may equal itt_start_date",
    Switch.TRAINING_INITIATIVE_AVAILABILITY: "training_initiative must be offered in the "
    "trainee's academic cycle",
    Switch.UNKNOWN_PARTNER_OR_SCHOOL: "an unknown training partner or employing school is refused",
    Switch.WITHDRAWAL_SAFEGUARDING: "a withdrawal may carry safeguarding_concern_reasons",
}
"""What each switch means to a client, where a version changes it (the changelog's words)."""


def describe(switch: Switch) -> str:
    """The switch in a client's words (its declared name when no description is given)."""
    return DESCRIPTIONS.get(switch, f"the {switch.value.replace('_', ' ')} check")


class Wording(StrEnum):
    """A rule message a policy may word differently (its template keeps the same fields)."""

    COURSE_SUBJECT_PRIMARY = "course_subject_1.primary"
    COURSE_SUBJECT_DUPLICATE = "course_subject.duplicate"
    DEGREE_BLANK = "degree.blank"
    FUND_CODE_INELIGIBLE = "fund_code.ineligible"
    FUNDING_METHOD_INELIGIBLE = "funding_method.ineligible"
    FUNDING_METHOD_NOT_ELIGIBLE_FUND_CODE = "funding_method.not_eligible_fund_code"
    GRADUATION_YEAR_FUTURE = "graduation_year.future"
    GRADUATION_YEAR_INVALID = "graduation_year.invalid"
    INCLUSION = "inclusion"
    INCLUSION_TRUNCATED = "inclusion_truncated"
    ITT_QUALIFICATION_AIM_BLANK = "itt_qualification_aim.blank"
    QTS_STANDARDS_MET_DATE_BLANK = "qts_standards_met_date.blank"
    TRAINING_PARTNER_INVALID = "training_partner.invalid"
    UK_DEGREE_BLANK = "uk_degree.blank"
