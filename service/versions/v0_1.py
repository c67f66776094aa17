"""v0.1 (22 Apr 2024 - 10 Jul 2025), as its change from v1.0-pre (api.md 10a)."""

from datetime import date

from domain.rules.inclusion import INCLUSION, INCLUSION_TRUNCATED
from domain.rules.switches import Switch, Wording
from service.versions.base import Endpoint, VersionChange
from service.versions.v1_0_pre import CHANGE as NEWER
from service.versions.v1_0_pre import (
    DEFER_STATE,
    RECOMMEND_DATE_BLANK,
    RECOMMEND_DEGREE,
    RECOMMEND_STATE,
)

DEGREES_REQUIRED = "degrees_attributes must be entered if specifying a postgraduate training_route"

CHANGE = VersionChange(
    name="v0.1",
    released=date(2024, 4, 22),
    summary="humanised field names in messages; degrees required at attribute level; no "
    "subject-duplicate, ITT date order or funding checks",
    rules_off=frozenset(
        {
            Switch.ITT_END_AFTER_START,
            Switch.COURSE_SUBJECT_DUPLICATES,
            Switch.FUND_CODE,
            Switch.FUNDING_METHOD,
            Switch.ITT_QUALIFICATION_AIM_INTEGER_BUG,
        }
    ),
    rules_on=frozenset({Switch.DEGREES_REQUIRED}),
    wording={
        Wording.INCLUSION: INCLUSION,
        Wording.INCLUSION_TRUNCATED: INCLUSION_TRUNCATED,
        Wording.UK_DEGREE_BLANK: "can't be blank",  # Rails' presence message, as for the rest
    },
    messages={
        # defer and recommend went through shared services that used raw names by July 2025
        NEWER.messages[DEFER_STATE]: DEFER_STATE,
        NEWER.messages[RECOMMEND_STATE]: RECOMMEND_STATE,
        NEWER.messages[RECOMMEND_DEGREE]: RECOMMEND_DEGREE,
        NEWER.messages[RECOMMEND_DATE_BLANK]: "qts_standards_met_date can't be blank",
        DEGREES_REQUIRED: "Degrees attributes can't be blank",
    },
    humanised_labels=True,
    # defer and recommend went through shared services that used raw names by July 2025
    raw_labels=frozenset(
        {Endpoint.DEFER, Endpoint.RECOMMEND_FOR_QTS, Endpoint.UPDATE_QTS_OR_EYTS_STATUS}
    ),
)
