"""v1.0-pre (12 Aug 2024 - 13 May 2025, its own code), as its change from v2025.0 (api.md 10a)."""

from datetime import date

from domain.rules.switches import Switch, Wording
from service.versions.base import Endpoint, VersionChange

DEFER_STATE = "state is invalid must be one of [submitted_for_trn, trn_received]"
RECOMMEND_STATE = "state must be selected as trn_received"
RECOMMEND_DEGREE = "degree_id must be completed before qts_standards_met_date"
RECOMMEND_DATE_BLANK = (
    "qts_standards_met_date can't be blank. Enter a date the trainee met the QTS or EYTS "
    "requirements."
)
WITHDRAWAL_DATE_MESSAGES = (
    "Choose a withdrawal date",
    "Choose a valid withdrawal date",
    "must be after itt_start_date",
)
REASONS_BLANK = "Choose one or more reasons why the trainee withdrew from the course"

CHANGE = VersionChange(
    name="v1.0-pre",
    released=date(2024, 8, 12),
    summary="no safeguarding, no enhanced errors, no update-qts-or-eyts-status; older response "
    "fields back; fewer checks; `Trainee ...` wording for defer and recommend",
    response_removed=frozenset({"withdrawal_safeguarding_concern_reasons"}),
    request_removed=frozenset({"safeguarding_concern_reasons"}),
    response_added={
        "expected_end_date": lambda doc: doc["itt_end_date"],
        "bursary_level": lambda doc: doc["funding_method"],
        "course_study_mode": lambda doc: doc["study_mode"],
        "hesa_disabilities": lambda doc: {
            k: v for k, v in doc.items() if k.startswith("disability") and k[10:].isdigit()
        },
    },
    endpoints_removed=frozenset({Endpoint.UPDATE_QTS_OR_EYTS_STATUS}),
    rules_off=frozenset(
        {
            Switch.HESA_ID_LENGTH,
            Switch.LENGTHS,
            Switch.DATE_OF_BIRTH_RANGE,
            Switch.ITT_START_DATE_LIMIT,
            Switch.TRAINEE_START_DATE_EQUAL_TO_ITT_START,
            Switch.WITHDRAWAL_SAFEGUARDING,
            Switch.DEGREES_REQUIRED,
            Switch.UNKNOWN_PARTNER_OR_SCHOOL,
            Switch.DUPLICATE_DEGREES_IN_REQUEST,
            Switch.TRAINING_INITIATIVE_AVAILABILITY,
            Switch.FUND_CODE_INCLUSION,
            Switch.FUND_CODE_EXCEPTION,
        }
    ),
    rules_on=frozenset(
        {
            # the shared submission checks kept their personal-details section until Nov 2025
            Switch.SUBMISSION_PERSONAL_DETAILS,
            # the degree record checked the graduation year as it was saved (v0.1's code)
            Switch.GRADUATION_YEAR_AT_SAVE,
            Switch.ITT_QUALIFICATION_AIM_INTEGER_BUG,
            Switch.FUNDING_CURRENT_CYCLE,
            Switch.FUNDING_FIXED_ROUTES,
        }
    ),
    wording={
        Wording.INCLUSION: "has invalid reference data values",
        Wording.INCLUSION_TRUNCATED: "has invalid reference data values",
        Wording.FUND_CODE_INELIGIBLE: "is ineligible",
        Wording.FUNDING_METHOD_INELIGIBLE: "is not valid for this trainee",
        Wording.FUNDING_METHOD_NOT_ELIGIBLE_FUND_CODE: "is not valid for this trainee",
        # v0.1's degree attributes, which v1.0-pre kept: Rails' presence messages, and the
        # degree record's year window in the service's user-facing words
        Wording.DEGREE_BLANK: "can't be blank",
        Wording.GRADUATION_YEAR_FUTURE: "Enter a graduation year that is in the past, for "
        "example 2014",
        Wording.GRADUATION_YEAR_INVALID: "Enter a valid graduation year",
    },
    messages=dict(
        [
            (DEFER_STATE, "Trainee " + DEFER_STATE),
            (RECOMMEND_STATE, "Trainee state is invalid must be [trn_received]"),
            (
                RECOMMEND_DEGREE,
                "Trainee degree information must be completed before QTS recommendation",
            ),
            (RECOMMEND_DATE_BLANK, "QTS standards met date can't be blank"),
            *[
                (
                    f"{field} might contain duplicate values",
                    "Course subject fields contain duplicate values",
                )
                for field in ("course_subject_two", "course_subject_three")
            ],
            *[(f"withdraw_date {m}", f"Withdraw date {m}") for m in WITHDRAWAL_DATE_MESSAGES],
            ("trigger is not included in the list", "Trigger is not included in the list"),
            (
                "future_interest is not included in the list",
                "Future interest is not included in the list",
            ),
            (f"reasons {REASONS_BLANK}", f"Reasons {REASONS_BLANK}"),
            ("another_reason Enter another reason", "Another reason Enter another reason"),
            (
                "Param is missing or the value is empty or invalid: data",
                "Param is missing or the value is empty: data",  # Rails 7
            ),
        ]
    ),
    enhanced_errors="none",
)
