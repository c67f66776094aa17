"""Lifecycle transitions of the Trainee aggregate: given events, when command, then events."""

from __future__ import annotations

from datetime import UTC, date, datetime

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import StateTransitionRefused
from domain.states import State
from domain.trainee import Trainee
from domain.values import Actor, ProviderRef, TraineeRecord, Withdrawal
from service.eventstore import MsgspecTranscoder, TypedMapper

ACTOR = Actor(source="api", provider_id="p1")
TODAY = date(2026, 11, 28)
RECORD = TraineeRecord(first_names="Ada", last_name="Lovelace", itt_start_date=date(2026, 9, 1))
WITHDRAWAL = Withdrawal(
    date=date(2026, 10, 1),
    trigger="provider",
    reasons=("record_added_in_error",),
    future_interest="no",
)


def given_registered() -> Trainee:
    trainee = Trainee.register(
        provider=ProviderRef(provider_id="p1", ukprn="10000001"),
        record=RECORD,
        placements=(),
        degrees=(),
        actor=ACTOR,
        at=datetime.now(UTC),
    )
    trainee.collect_events()
    return trainee


def then_events(trainee: Trainee) -> list[str]:
    return [type(e).__name__ for e in trainee.collect_events()]


def test_withdrawing_records_withdrawn_with_its_details() -> None:
    trainee = given_registered()
    trainee.withdraw(withdrawal=WITHDRAWAL, actor=ACTOR, today=TODAY)
    assert then_events(trainee) == ["Withdrawn"]
    assert (trainee.state, trainee.withdrawal) == (State.WITHDRAWN, WITHDRAWAL)


def test_a_trainee_whose_itt_starts_later_cannot_be_withdrawn() -> None:
    trainee = given_registered()
    with pytest.raises(StateTransitionRefused):
        trainee.withdraw(withdrawal=WITHDRAWAL, actor=ACTOR, today=date(2026, 8, 1))


def test_a_withdrawn_trainee_cannot_be_deferred() -> None:
    trainee = given_registered()
    trainee.withdraw(withdrawal=WITHDRAWAL, actor=ACTOR, today=TODAY)
    with pytest.raises(StateTransitionRefused):
        trainee.defer(date=TODAY, reason=None, actor=ACTOR)


def test_undoing_a_withdrawal_restores_the_state_before_it() -> None:
    trainee = given_registered()
    trainee.receive_trn(trn="1234567", actor=ACTOR)
    trainee.withdraw(withdrawal=WITHDRAWAL, actor=ACTOR, today=TODAY)
    trainee.undo_withdrawal(comment="Recorded in error", ticket=None, actor=ACTOR)
    assert then_events(trainee)[-1] == "WithdrawalUndone"
    assert (trainee.state, trainee.withdrawal) == (State.TRN_RECEIVED, None)


def test_undoing_a_withdrawal_needs_a_comment() -> None:
    trainee = given_registered()
    trainee.withdraw(withdrawal=WITHDRAWAL, actor=ACTOR, today=TODAY)
    with pytest.raises(ValueError):
        trainee.undo_withdrawal(comment=" ", ticket=None, actor=ACTOR)


def test_reinstating_returns_to_submitted_without_a_trn_and_trn_received_with_one() -> None:
    without = given_registered()
    without.defer(date=TODAY, reason=None, actor=ACTOR)
    without.reinstate(date=TODAY, actor=ACTOR)
    assert (without.state, without.reinstate_date) == (State.SUBMITTED_FOR_TRN, TODAY)
    with_trn = given_registered()
    with_trn.receive_trn(trn="1234567", actor=ACTOR)
    with_trn.defer(date=TODAY, reason=None, actor=ACTOR)
    with_trn.reinstate(date=TODAY, actor=ACTOR)
    assert with_trn.state is State.TRN_RECEIVED


def test_a_trn_is_never_overwritten() -> None:
    trainee = given_registered()
    trainee.receive_trn(trn="1234567", actor=ACTOR)
    with pytest.raises(StateTransitionRefused):
        trainee.receive_trn(trn="7654321", actor=ACTOR)


def test_award_follows_a_recommendation_only() -> None:
    trainee = given_registered()
    with pytest.raises(StateTransitionRefused):
        trainee.award(awarded_at=datetime.now(UTC), actor=ACTOR)
    trainee.receive_trn(trn="1234567", actor=ACTOR)
    trainee.recommend_for_award(outcome_date=TODAY, actor=ACTOR, at=datetime.now(UTC))
    trainee.award(awarded_at=datetime.now(UTC), actor=ACTOR)
    assert then_events(trainee) == ["TrnReceived", "RecommendedForAward", "Awarded"]
    assert trainee.state is State.AWARDED


COMMANDS = ["withdraw", "defer", "recommend", "trn", "award", "reinstate", "undo", "edit"]
ALLOWED_AFTER = {
    "withdraw": {State.WITHDRAWN},
    "defer": {State.DEFERRED},
    "recommend": {State.RECOMMENDED_FOR_AWARD},
    "trn": {State.TRN_RECEIVED, State.DEFERRED, State.WITHDRAWN},
    "award": {State.AWARDED},
    "reinstate": {State.SUBMITTED_FOR_TRN, State.TRN_RECEIVED},
    "undo": {State.SUBMITTED_FOR_TRN, State.TRN_RECEIVED, State.DEFERRED},
    "edit": set(State) - {State.DRAFT},
}


def run(trainee: Trainee, command: str, n: int) -> None:
    now = datetime.now(UTC)
    match command:
        case "withdraw":
            trainee.withdraw(withdrawal=WITHDRAWAL, actor=ACTOR, today=TODAY)
        case "defer":
            trainee.defer(date=TODAY, reason=None, actor=ACTOR)
        case "recommend":
            trainee.recommend_for_award(outcome_date=TODAY, actor=ACTOR, at=now)
        case "trn":
            trainee.receive_trn(trn=f"{n:07d}", actor=ACTOR)
        case "award":
            trainee.award(awarded_at=now, actor=ACTOR)
        case "reinstate":
            trainee.reinstate(date=TODAY, actor=ACTOR)
        case "undo":
            trainee.undo_withdrawal(comment="error", ticket=None, actor=ACTOR)
        case "edit":
            record = msgspec.structs.replace(trainee.record, middle_names=f"M{n}")
            trainee.change_details(record=record, actor=ACTOR, refuse_when_complete=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(COMMANDS), max_size=15))
def test_any_command_sequence_keeps_the_machine_and_replays_to_the_same_state(
    commands: list[str],
) -> None:
    trainee = given_registered()
    mapper = TypedMapper(transcoder=MsgspecTranscoder())
    stored = []
    for n, command in enumerate(commands):
        before = trainee.state
        try:
            run(trainee, command, n)
        except StateTransitionRefused:
            assert trainee.state is before
            continue
        assert trainee.state in ALLOWED_AFTER[command], (command, before, trainee.state)
        stored += [mapper.to_stored_event(e) for e in trainee.collect_events()]
    replayed = given_registered_events_replayed(trainee, mapper, stored)
    for attribute in (
        "state",
        "trn",
        "withdrawal",
        "defer_date",
        "outcome_date",
        "record",
        "awarded_at",
        "reinstate_date",
        "version",
    ):
        assert getattr(replayed, attribute) == getattr(trainee, attribute), attribute


def given_registered_events_replayed(trainee: Trainee, mapper: TypedMapper, later: list) -> Trainee:
    """Replay the registration of a fresh copy plus the later stored events."""
    start = Trainee.register(
        provider=trainee.provider,
        record=RECORD,
        placements=(),
        degrees=(),
        actor=ACTOR,
        at=datetime.now(UTC),
        slug=trainee.slug,
    )
    aggregate = None
    for event in start.collect_events():
        aggregate = mapper.to_domain_event(mapper.to_stored_event(event)).mutate(aggregate)
    for s in later:
        aggregate = mapper.to_domain_event(s).mutate(aggregate)
    assert aggregate is not None
    return aggregate
