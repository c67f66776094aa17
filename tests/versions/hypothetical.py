"""Hypothetical newer versions, declared in test code only, on top of the published chain.

v2027.0 renames course_subject_1 (which v2025.0 renames again: a field renamed twice) and
hesa_id (a rename in the newest version only), removes recommend-for-qts, adds a rule the
older versions do not have and rewords a message. The published declarations are reused
unchanged: v2026.1 is redeclared as its change from v2027.0, as a real new version would.
"""

from __future__ import annotations

from dataclasses import replace

from domain.rules.switches import Switch
from service.versions import CHANGES, Endpoint, VersionChange, build_chain
from service.versions.v1_0_pre import DEFER_STATE

NEW_DEFER_STATE = "state must be submitted_for_trn or trn_received to defer"

V2027_0 = VersionChange(
    name="v2027.0",
    summary="subject_1 and hesa_number; no recommend-for-qts; email addresses checked",
    renames={"course_subject_1": "subject_1", "hesa_id": "hesa_number"},
    endpoints_removed=frozenset({Endpoint.RECOMMEND_FOR_QTS}),
    messages={DEFER_STATE: NEW_DEFER_STATE},
)
V2026_1 = replace(
    CHANGES[0],
    renames={"subject_1": "course_subject_1", "hesa_number": "hesa_id"},
    endpoints_added=frozenset({Endpoint.RECOMMEND_FOR_QTS}),
    rules_off=frozenset({Switch.EMAIL_FORMAT}),
    messages={NEW_DEFER_STATE: DEFER_STATE},
)
CHAIN = build_chain((V2027_0, V2026_1, *CHANGES[1:]))
