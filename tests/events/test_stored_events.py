"""Stored events decode strictly: a field renamed or dropped without an upcaster fails here."""

from __future__ import annotations

import copy
import json
import os
from typing import Any
from uuid import uuid4

import msgspec
import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent

from domain.personal import PERSONAL_IN_EVENTS, SELF, erased_value
from domain.trainee import Trainee
from service.eventstore import (
    MsgspecTranscoder,
    SealingMapper,
    StoredEventError,
    TypedMapper,
    decode_state,
    state_codec,
)
from service.keyring import Keyring, MasterKeys
from service.sealing import SEALED
from tests.events.make_fixture import FIXTURE

MAPPER = TypedMapper(transcoder=MsgspecTranscoder())
STORED: list[dict[str, Any]] = json.loads(FIXTURE.read_text())


TRAINEE_ID = uuid4()
FREE_MAPPINGS = ("disabilities",)  # keyed by code, not by field name


def _decode(row: dict[str, Any]) -> Any:
    state = json.dumps(row["state"]).encode()
    return MAPPER.to_domain_event(
        StoredEvent(
            originator_id=TRAINEE_ID,
            originator_version=row["originator_version"],
            topic=row["topic"],
            state=state,
        )
    )


def _event_classes() -> set[str]:
    return {
        name
        for name, value in vars(Trainee).items()
        if isinstance(value, type) and issubclass(value, Aggregate.Event)
    } - {"Event", "Created"}


def test_the_fixture_holds_every_event_type_at_its_class_version() -> None:
    kept = {(row["topic"].rsplit(":", 1)[-1], row["class_version"]) for row in STORED}
    expected = {(name, getattr(Trainee, name).__dict__.get("class_version", 1))
                for name in _event_classes()}  # fmt: skip
    assert expected <= kept


@pytest.mark.parametrize("row", STORED, ids=[r["topic"].rsplit(":", 1)[-1] for r in STORED])
def test_every_stored_event_replays_and_stores_back_the_same(row: dict[str, Any]) -> None:
    event = _decode(row)
    again = json.loads(MAPPER.to_stored_event(event).state)
    assert again == row["state"]


def test_the_stored_events_replay_into_a_trainee() -> None:
    trainee = None
    for row in STORED:
        trainee = _decode(row).mutate(trainee)
    assert trainee is not None
    assert str(trainee.state) == "awarded"


def _nested_keys(state: dict[str, Any]) -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []
    for key, value in state.items():
        paths.append((key,))
        if isinstance(value, dict) and key not in FREE_MAPPINGS:
            paths += [(key, *rest) for rest in _nested_keys(value)]
    return paths


def _renamed(state: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(state)
    holder = changed
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1] + "_renamed"] = holder.pop(path[-1])
    return changed


@pytest.mark.parametrize("row", STORED, ids=[r["topic"].rsplit(":", 1)[-1] for r in STORED])
def test_a_field_renamed_without_an_upcaster_fails_loudly(row: dict[str, Any]) -> None:
    for path in _nested_keys(row["state"]):
        if path[-1] in ("class_version",):
            continue
        with pytest.raises(StoredEventError, match=path[-1]):
            _decode({**row, "state": _renamed(row["state"], path)})


def test_a_missing_required_field_fails_loudly() -> None:
    row = next(r for r in STORED if r["topic"].endswith(":Deferred"))
    state = {k: v for k, v in row["state"].items() if k != "actor"}
    with pytest.raises(StoredEventError, match="actor"):
        _decode({**row, "state": state})


def _sealing(erased: bool = False) -> tuple[SealingMapper, list[StoredEvent]]:
    """A sealing mapper and the fixture's events as it stores them (each trainee's personal
    fields sealed with a key of its own); with `erased`, that key is destroyed afterwards."""
    keyring = Keyring(MasterKeys([os.urandom(32)]), makes_keys=True)
    mapper = SealingMapper(MsgspecTranscoder(), keyring)
    stored = [mapper.to_stored_event(_decode(row)) for row in STORED]
    if erased:
        keyring.hold([(TRAINEE_ID, None, None)])
    return mapper, stored


def _origin(stored: StoredEvent) -> dict[str, Any]:
    return {"originator_id": stored.originator_id, "originator_version": stored.originator_version}


def test_sealed_events_decode_straight_into_the_events_they_were() -> None:
    mapper, stored = _sealing()
    assert sum(SEALED.encode() in s.state for s in stored) == len(PERSONAL_IN_EVENTS)
    for row, sealed in zip(STORED, stored, strict=True):
        assert state_codec(sealed.topic, sealed=True).decode(sealed.state) is not None  # straight
        event = mapper.to_domain_event(sealed)
        assert vars(event) == vars(_decode(row))
        plain = decode_state(sealed.topic, mapper.stored_state(sealed))  # the upcasting way
        assert plain | _origin(sealed) == vars(event)


def test_sealed_events_whose_key_is_destroyed_read_as_erased() -> None:
    mapper, stored = _sealing(erased=True)
    for sealed in stored:
        event = vars(mapper.to_domain_event(sealed))
        assert decode_state(sealed.topic, mapper.stored_state(sealed)) | _origin(sealed) == event
        for path in json.loads(sealed.state).get(SEALED, {}).get("fields", []):
            container, _, field = path.rpartition(".")
            holder = event if container == SELF else msgspec.structs.asdict(event[container])
            assert holder[field] == erased_value(field), path
