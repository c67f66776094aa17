"""Lifecycle use cases: withdraw, defer and recommend from the API; TRN, award, reinstatement
and undoing a withdrawal from the teacher-record system or an operator."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time

from domain.details import validate
from domain.errors import StateTransitionRefused
from domain.rules import Candidate, Context, Policy
from domain.rules.formats import parse_date
from domain.rules.lifecycle import (
    DEFERRAL_RULES,
    DEFERRAL_STATE_RULES,
    RECOMMENDATION_RULES,
    WITHDRAWAL_RULES,
    reasons_of,
)
from domain.values import Actor, Withdrawal
from service.commands import EventStore, Written, load, save


def _text(values: Mapping[str, object], name: str) -> str | None:
    value = values.get(name)
    return str(value).strip() or None if value is not None else None


def withdraw(
    register: EventStore,
    *,
    provider_id: str,
    slug: str,
    sent: Mapping[str, object],
    actor: Actor,
    policy: Policy,
    today: date,
) -> Written:
    """Withdraw the trainee: state first (StateTransitionError), then every field rule."""
    trainee = load(register, slug, provider_id)
    if not trainee.can_withdraw(today):
        raise StateTransitionRefused
    candidate = Candidate({**sent, "itt_start_date": trainee.record.itt_start_date}, {})
    validate(WITHDRAWAL_RULES, candidate, Context(today=today, policy=policy))
    withdrawal_date = parse_date(_text(sent, "withdrawal_date"))
    assert withdrawal_date is not None  # guaranteed by the rules above
    trainee.withdraw(
        withdrawal=Withdrawal(
            date=withdrawal_date,
            trigger=str(_text(sent, "trigger")),
            reasons=tuple(reasons_of(candidate)),
            future_interest=str(_text(sent, "future_interest")),
            another_reason=_text(sent, "another_reason"),
            safeguarding_concern_reasons=_text(sent, "safeguarding_concern_reasons"),
        ),
        actor=actor,
        today=today,
    )
    return save(register, trainee)


def defer(
    register: EventStore,
    *,
    provider_id: str,
    slug: str,
    sent: Mapping[str, object],
    actor: Actor,
    policy: Policy,
    today: date,
) -> Written:
    """Defer the trainee; the state is checked only once the fields are valid."""
    trainee = load(register, slug, provider_id)
    context = Context(today=today, policy=policy)
    validate(DEFERRAL_RULES, Candidate(sent, {}), context)
    validate(DEFERRAL_STATE_RULES, Candidate({"state": str(trainee.state)}, {}), context)
    defer_date = parse_date(_text(sent, "defer_date"))
    assert defer_date is not None  # guaranteed by the rules above
    trainee.defer(date=defer_date, reason=_text(sent, "defer_reason"), actor=actor)
    return save(register, trainee)


def recommend(
    register: EventStore,
    *,
    provider_id: str,
    slug: str,
    sent: Mapping[str, object],
    actor: Actor,
    policy: Policy,
    today: date,
) -> Written:
    """Recommend the trainee for QTS or EYTS; every problem is reported together."""
    trainee = load(register, slug, provider_id)
    facts = {
        "itt_start_date": trainee.record.itt_start_date,
        "training_route": trainee.record.training_route,
        "state": str(trainee.state),
        "degree_count": len(trainee.degrees),
        "placement_count": len(trainee.placements),
    }
    validate(
        RECOMMENDATION_RULES,
        Candidate({**sent, **facts}, {}),
        Context(today=today, policy=policy),
    )
    outcome = parse_date(_text(sent, "qts_standards_met_date"))
    assert outcome is not None  # guaranteed by the rules above
    trainee.recommend_for_award(outcome_date=outcome, actor=actor, at=datetime.now(UTC))
    return save(register, trainee)


def receive_trn(register: EventStore, *, slug: str, trn: str, actor: Actor) -> Written:
    """Store the TRN the teacher-record system allocated."""
    trainee = load(register, slug, None)
    if not (len(trn) == 7 and trn.isdigit()):
        raise ValueError(f"a TRN has 7 digits, got {trn!r}")
    trainee.receive_trn(trn=trn, actor=actor)
    return save(register, trainee)


def award(register: EventStore, *, slug: str, on: date | None, actor: Actor) -> Written:
    """Record the award; its date defaults to the date the standards were met."""
    trainee = load(register, slug, None)
    day = on or trainee.outcome_date or datetime.now(UTC).date()
    trainee.award(awarded_at=datetime.combine(day, time(), tzinfo=UTC), actor=actor)
    return save(register, trainee)


def reinstate(register: EventStore, *, slug: str, on: date, actor: Actor) -> Written:
    """Resume a deferred trainee's training."""
    trainee = load(register, slug, None)
    trainee.reinstate(date=on, actor=actor)
    return save(register, trainee)


def undo_withdrawal(
    register: EventStore, *, slug: str, comment: str, ticket: str | None, actor: Actor
) -> Written:
    """Take back a withdrawal recorded in error."""
    trainee = load(register, slug, None)
    trainee.undo_withdrawal(comment=comment, ticket=ticket, actor=actor)
    return save(register, trainee)
