"""Trainee states and the transitions the state machine allows (domain.md section 1)."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """The lifecycle state of a trainee record."""

    DRAFT = "draft"
    SUBMITTED_FOR_TRN = "submitted_for_trn"
    TRN_RECEIVED = "trn_received"
    RECOMMENDED_FOR_AWARD = "recommended_for_award"
    WITHDRAWN = "withdrawn"
    DEFERRED = "deferred"
    AWARDED = "awarded"


COMPLETE = frozenset({State.RECOMMENDED_FOR_AWARD, State.WITHDRAWN, State.AWARDED})
"""States in which edits to the record, its placements and degrees are refused (when the policy
says so)."""

TRANSITIONS: dict[str, frozenset[State]] = {
    "submit_for_trn": frozenset({State.DRAFT, State.DEFERRED}),
    "receive_trn": frozenset({State.SUBMITTED_FOR_TRN, State.DEFERRED, State.TRN_RECEIVED}),
    "recommend_for_award": frozenset({State.TRN_RECEIVED}),
    "withdraw": frozenset({State.SUBMITTED_FOR_TRN, State.TRN_RECEIVED, State.DEFERRED}),
    "defer": frozenset({State.SUBMITTED_FOR_TRN, State.TRN_RECEIVED}),
    "award": frozenset({State.RECOMMENDED_FOR_AWARD}),
}


def allows(action: str, state: State) -> bool:
    """Whether the state machine allows the action from the state."""
    return state in TRANSITIONS[action]
