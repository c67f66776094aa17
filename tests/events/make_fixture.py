"""Write stored_events.json: one stored event of every type, each field set (run once per new
event type or class_version: `python -m tests.events.make_fixture`)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import msgspec

from domain.trainee import Trainee
from domain.values import Actor, Degree, Placement, ProviderRef, TraineeRecord, Withdrawal
from service.eventstore import MsgspecTranscoder, TypedMapper

FIXTURE = Path(__file__).with_name("stored_events.json")
AT = datetime(2026, 9, 1, 9, 30, tzinfo=UTC)


def _every_field(cls: type[msgspec.Struct], **given: Any) -> Any:
    """A value of the struct with every field set (text fields to their own name)."""
    values: dict[str, Any] = {}
    for info in msgspec.structs.fields(cls):
        if info.name in given:
            values[info.name] = given[info.name]
        elif "dict" in str(info.type):
            values[info.name] = {"disability1": "58"}
        elif "datetime.date" in str(info.type):
            values[info.name] = date(2026, 9, 1)
        elif "int" in str(info.type):
            values[info.name] = 2020
        else:
            values[info.name] = info.name
    return cls(**values)


ACTOR = _every_field(Actor)


def events() -> list[Any]:
    """One of each event, from a trainee taken through every method."""
    placement = _every_field(Placement, created_at=AT, updated_at=AT)
    degree = _every_field(Degree, created_at=AT, updated_at=AT)
    trainee = Trainee.register(
        provider=ProviderRef(provider_id="p1", ukprn="10000001"),
        record=_every_field(TraineeRecord),
        placements=(placement,),
        degrees=(degree,),
        actor=ACTOR,
        at=AT,
        slug="fixture1",
    )
    changed = msgspec.structs.replace(trainee.record, first_names="Changed")
    trainee.change_details(record=changed, actor=ACTOR, refuse_when_complete=True)
    trainee.add_placement(placement=msgspec.structs.replace(placement, placement_id="p2"),
                          actor=ACTOR, restricted=True)  # fmt: skip
    trainee.change_placement(placement=msgspec.structs.replace(placement, name="n"),
                             actor=ACTOR, restricted=True)  # fmt: skip
    trainee.remove_placement(placement_id="p2", actor=ACTOR, restricted=True)
    trainee.add_degree(degree=msgspec.structs.replace(degree, degree_id="d2", subject="s"),
                       actor=ACTOR, restricted=True)  # fmt: skip
    trainee.change_degree(degree=msgspec.structs.replace(degree, grade="g"),
                          actor=ACTOR, restricted=True)  # fmt: skip
    trainee.remove_degree(degree_id="d2", actor=ACTOR, restricted=True)
    trainee.receive_trn(trn="1234567", actor=ACTOR)
    trainee.defer(date=date(2026, 10, 1), reason="reason", actor=ACTOR)
    trainee.reinstate(date=date(2026, 11, 1), actor=ACTOR)
    trainee.withdraw(withdrawal=_every_field(Withdrawal, reasons=("a", "b")), actor=ACTOR,
                     today=date(2026, 11, 2))  # fmt: skip
    trainee.undo_withdrawal(comment="comment", ticket="ticket", actor=ACTOR)
    trainee.recommend_for_award(outcome_date=date(2026, 11, 3), actor=ACTOR, at=AT)
    trainee.award(awarded_at=AT, actor=ACTOR)
    trainee.erase(reason="reason", ticket="ticket", actor=ACTOR, at=AT)
    return list(trainee.collect_events())


def stored() -> list[dict[str, Any]]:
    """The events as the event store keeps them: topic, class_version and state."""
    mapper = TypedMapper(transcoder=MsgspecTranscoder())
    rows = []
    for event in events():
        record = mapper.to_stored_event(event)
        state = json.loads(record.state)
        rows.append(
            {
                "topic": record.topic,
                "class_version": state.get("class_version", 1),
                "originator_version": record.originator_version,
                "state": state,
            }
        )
    return rows


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps(stored(), indent=1, sort_keys=True) + "\n")
