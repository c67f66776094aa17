"""Stored events decode strictly: a field renamed or dropped without an upcaster fails here."""

from __future__ import annotations

import copy
import json
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent

from domain.trainee import Trainee
from service.eventstore import MsgspecTranscoder, StoredEventError, TypedMapper
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
