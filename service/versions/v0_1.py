"""v0.1 (22 Apr 2024 - 10 Jul 2025), as its change from v1.0-pre (api.md 10a)."""

from domain.rules.inclusion import INCLUSION, INCLUSION_TRUNCATED
from service.versions.base import VersionChange
from service.versions.v1_0_pre import (
    DEFER_STATE,
    RECOMMEND_DATE_BLANK,
    RECOMMEND_DEGREE,
    RECOMMEND_STATE,
)

DEGREES_REQUIRED = "degrees_attributes must be entered if specifying a postgraduate training_route"

CHANGE = VersionChange(
    name="v0.1",
    summary="humanised field names in messages; degrees required at attribute level; no "
    "subject-duplicate, ITT date order or funding checks",
    rules_off=frozenset(
        {
            "itt_end_after_start",
            "course_subject_duplicates",
            "funding_v1_0_pre",
            "itt_qualification_aim_integer_bug",
        }
    ),
    rules_on=frozenset({"degrees_required"}),
    messages={
        # defer and recommend went through shared services that used raw names by July 2025
        DEFER_STATE: DEFER_STATE,
        RECOMMEND_STATE: RECOMMEND_STATE,
        RECOMMEND_DEGREE: RECOMMEND_DEGREE,
        RECOMMEND_DATE_BLANK: "qts_standards_met_date can't be blank",
        DEGREES_REQUIRED: "Degrees attributes can't be blank",
        "inclusion": INCLUSION,
        "inclusion_truncated": INCLUSION_TRUNCATED,
    },
    humanised_labels=True,
)
