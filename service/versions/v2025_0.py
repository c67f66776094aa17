"""v2025.0 (1 Sep 2025 - 11 Aug 2026), as its change from v2026.0 (api.md 10a)."""

from datetime import date

from domain.rules.switches import Switch
from service.versions.base import VersionChange

CHANGE = VersionChange(
    name="v2025.0",
    released=date(2025, 9, 1),
    summary="lead_partner_* and course_subject_one/two/three names, withdraw_date; route 02; "
    "primary subjects rewritten instead of refused; fewer date and course_year checks; "
    "flat enhanced errors",
    renames={
        "training_partner_urn": "lead_partner_urn",
        "training_partner_ukprn": "lead_partner_ukprn",
        "course_subject_1": "course_subject_one",
        "course_subject_2": "course_subject_two",
        "course_subject_3": "course_subject_three",
        "withdrawal_date": "withdraw_date",
        "withdrawal_reasons": "withdraw_reasons",
    },
    rules_off=frozenset(
        {
            Switch.ITT_END_DATE_WINDOW,
            Switch.COURSE_YEAR_INTEGER,
            Switch.ADDITIONAL_TRAINING_INITIATIVE,
            Switch.PRIMARY_SUBJECT,
            Switch.PARTNER_ERRORS_BY_FIELD,
            Switch.FUND_CODE_EXCEPTION_2026,
        }
    ),
    rules_on=frozenset(
        {Switch.ROUTE_02, Switch.PRIMARY_SUBJECT_REWRITE, Switch.SUBMISSION_ON_UPDATE}
    ),
    enhanced_errors="flat",
    aliases=("v2025.0-rc",),
)
