"""v1.0-pre (12 Aug 2024 - 13 May 2025, its own code), as its change from v2025.0 (api.md 10a)."""

from service.versions.base import VersionChange

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
    endpoints_removed=frozenset({"update-qts-or-eyts-status"}),
    rules_off=frozenset(
        {
            "hesa_id_length",
            "lengths",
            "date_of_birth_range",
            "itt_start_date_limit",
            "trainee_start_date_equal_to_itt_start",
            "withdrawal_safeguarding",
            "degrees_required",
            "unknown_partner_or_school",
            "duplicate_degrees_in_request",
            "training_initiative_availability",
            "fund_code_inclusion",
            "fund_code",
            "funding_method",
        }
    ),
    rules_on=frozenset({"itt_qualification_aim_integer_bug", "funding_v1_0_pre"}),
    messages=dict(
        [
            (DEFER_STATE, "Trainee " + DEFER_STATE),
            (RECOMMEND_STATE, "Trainee state is invalid must be [trn_received]"),
            (
                RECOMMEND_DEGREE,
                "Trainee degree information must be completed before QTS recommendation",
            ),
            (RECOMMEND_DATE_BLANK, "QTS standards met date can't be blank"),
            ("inclusion", "has invalid reference data values"),
            ("inclusion_truncated", "has invalid reference data values"),
            *[
                (
                    f"{field} might contain duplicate values",
                    "Course subject fields contain duplicate values",
                )
                for field in ("course_subject_2", "course_subject_3")
            ],
            *[(f"withdrawal_date {m}", f"Withdraw date {m}") for m in WITHDRAWAL_DATE_MESSAGES],
            ("trigger is not included in the list", "Trigger is not included in the list"),
            (
                "future_interest is not included in the list",
                "Future interest is not included in the list",
            ),
            (f"reasons {REASONS_BLANK}", f"Reasons {REASONS_BLANK}"),
            ("another_reason Enter another reason", "Another reason Enter another reason"),
        ]
    ),
    enhanced_errors="none",
)
