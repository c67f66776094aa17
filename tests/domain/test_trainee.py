"""The Trainee aggregate, given events / when command / then events or error."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import msgspec
import pytest

from domain.errors import StateTransitionRefused
from domain.states import State
from domain.trainee import _BASE58, Trainee, new_slug, trainee_uuid
from domain.values import Actor, ProviderRef, TraineeRecord, changed_fields
from service.eventstore import MsgspecTranscoder, TypedMapper

ACTOR = Actor(source="api", provider_id="p1", token_id="t1", api_version="v2026.1", request_id="r1")
PROVIDER = ProviderRef(provider_id="p1", ukprn="10000001")
RECORD = TraineeRecord(first_names="Ada", last_name="Lovelace", date_of_birth=date(1990, 1, 1))


def registered() -> Trainee:
    return Trainee.register(
        provider=PROVIDER,
        record=RECORD,
        placements=(),
        degrees=(),
        actor=ACTOR,
        at=datetime.now(UTC),
    )


def names(events: list[object]) -> list[str]:
    return [type(e).__name__ for e in events]


def test_registering_records_registered_then_submitted_for_trn() -> None:
    trainee = registered()
    assert names(trainee.collect_events()) == ["Registered", "SubmittedForTrn"]
    assert trainee.state is State.SUBMITTED_FOR_TRN


def test_the_aggregate_id_follows_from_the_slug_in_any_case() -> None:
    trainee = registered()
    assert trainee.id == trainee_uuid(trainee.slug.upper())


def test_every_event_carries_the_actor() -> None:
    events = registered().collect_events()
    assert all(e.actor == ACTOR for e in events)  # type: ignore[attr-defined]


def test_changing_details_records_only_what_changed() -> None:
    trainee = registered()
    trainee.collect_events()
    changed = trainee.change_details(
        record=msgspec.structs.replace(RECORD, last_name="King"),
        actor=ACTOR,
        refuse_when_complete=True,
    )
    (event,) = trainee.collect_events()
    assert changed and type(event).__name__ == "DetailsChanged"
    assert changed_fields(event.changes) == {"last_name": "King"}  # type: ignore[attr-defined]


def test_changing_nothing_records_no_event() -> None:
    trainee = registered()
    trainee.collect_events()
    assert not trainee.change_details(record=RECORD, actor=ACTOR, refuse_when_complete=True)
    assert trainee.collect_events() == []


@pytest.mark.parametrize("state", [State.RECOMMENDED_FOR_AWARD, State.WITHDRAWN, State.AWARDED])
def test_edits_are_refused_in_complete_states(state: State) -> None:
    trainee = registered()
    trainee.state = state
    with pytest.raises(StateTransitionRefused):
        trainee.check_editable(refuse_when_complete=True)


def test_a_version_without_the_restriction_may_edit_complete_records() -> None:
    trainee = registered()
    trainee.state = State.WITHDRAWN
    trainee.check_editable(refuse_when_complete=False)


def test_submitting_twice_is_refused() -> None:
    trainee = registered()
    with pytest.raises(StateTransitionRefused):
        trainee.submit_for_trn(actor=ACTOR, at=datetime.now(UTC))


def test_replaying_stored_events_rebuilds_the_same_trainee() -> None:
    trainee = registered()
    trainee.change_details(
        record=msgspec.structs.replace(RECORD, itt_start_date=date(2025, 9, 1)),
        actor=ACTOR,
        refuse_when_complete=True,
    )
    mapper = TypedMapper(transcoder=MsgspecTranscoder())
    stored = [mapper.to_stored_event(e) for e in trainee.collect_events()]
    replayed = None
    for s in stored:
        replayed = mapper.to_domain_event(s).mutate(replayed)  # type: ignore[attr-defined]
    assert replayed is not None
    assert replayed.record == trainee.record
    assert replayed.record.itt_start_date == date(2025, 9, 1)
    assert (replayed.state, replayed.version, replayed.slug) == (
        trainee.state,
        trainee.version,
        trainee.slug,
    )


def test_new_slugs_are_24_base58_characters_drawn_evenly() -> None:
    slugs = [new_slug() for _ in range(5_000)]
    assert all(len(s) == 24 and set(s) <= set(_BASE58) for s in slugs)
    assert len(set(slugs)) == len(slugs)
    counts = Counter("".join(slugs))
    assert set(counts) == set(_BASE58)  # every letter appears, none the ambiguous 0, O, I, l
    expected = 24 * 5_000 / 58
    assert max(abs(n - expected) for n in counts.values()) < 0.15 * expected
