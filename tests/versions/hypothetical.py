"""A hypothetical newer version, declared in test code only, on top of the published chain.

v2027.0 renames course_subject_1 (which v2025.0 renames again: a field renamed twice) and
hesa_id (a rename in the newest version only), removes recommend-for-qts, adds a rule the older
versions do not have and rewords a message. The published declarations are reused unchanged,
but for the published newest one, redeclared as its change from v2027.0 as a real new version
would need: its names for v2027.0's, the endpoint given back, the new rule off.
"""

from __future__ import annotations

from dataclasses import replace

from domain.rules.switches import Switch
from service.versions import CHANGES, HEAD, Endpoint, VersionChange, build_chain
from service.versions.v1_0_pre import DEFER_STATE

NEW_DEFER_STATE = "state must be submitted_for_trn or trn_received to defer"
RENAMED = {"course_subject_1": "subject_1", "hesa_id": "hesa_number"}  # domain name: v2027.0's

V2027_0 = VersionChange(
    name="v2027.0",
    summary="subject_1 and hesa_number; no recommend-for-qts; email addresses checked",
    renames=RENAMED,
    endpoints_removed=frozenset({Endpoint.RECOMMEND_FOR_QTS}),
    messages={DEFER_STATE: NEW_DEFER_STATE},
)
PUBLISHED_NEWEST = replace(
    CHANGES[0],
    renames={
        **{RENAMED.get(domain, domain): wire for domain, wire in CHANGES[0].renames.items()},
        **{new: HEAD.wire_name(domain) for domain, new in RENAMED.items()},
    },
    endpoints_added=frozenset({Endpoint.RECOMMEND_FOR_QTS}),
    rules_off=CHANGES[0].rules_off | {Switch.EMAIL_FORMAT},
    messages={**CHANGES[0].messages, NEW_DEFER_STATE: DEFER_STATE},
)
CHAIN = build_chain((V2027_0, PUBLISHED_NEWEST, *CHANGES[1:]))
