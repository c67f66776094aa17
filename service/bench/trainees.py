"""Valid trainees built with the domain itself: one through the production use case, the rest
as copies of its record with their own slug and surname (fast enough for 200,000 events)."""

from __future__ import annotations

import os
import typing
from datetime import UTC, date, datetime
from typing import Any

import msgspec
from eventsourcing.persistence import Mapper

from domain.rules import Register
from domain.trainee import Trainee
from domain.values import Actor, ProviderRef
from service import commands
from service.api.requests import TraineeInput, convert, disabilities_of, fields_of
from service.eventstore import TraineeRegister
from service.keyring import Keyring, MasterKeys
from service.versions import HEAD

EVENTS_PER_TRAINEE = 4
"""Registered, SubmittedForTrn, TrnReceived, DetailsChanged: a trainee that can be deferred."""


def cycle_start(today: date) -> date:
    """The ITT start date of trainees in the academic cycle containing today."""
    return date(today.year if today.month >= 8 else today.year - 1, 9, 1)


def body(last_name: str, today: date) -> dict[str, Any]:
    """A valid trainee of the newest version (the minimal published example) starting in
    today's cycle."""
    start = cycle_start(today)
    return {
        "first_names": "John", "last_name": last_name, "date_of_birth": "1990-01-01",
        "sex": "10", "email": "john.doe@example.com", "nationality": "GB",
        "training_route": "12", "itt_start_date": start.isoformat(),
        "itt_end_date": date(start.year + 1, 7, 31).isoformat(), "course_subject_1": "100346",
        "study_mode": "63", "course_age_range": "13918", "itt_aim": "202",
        "itt_qualification_aim": "001", "course_year": "1", "fund_code": "2",
        "funding_method": "6", "hesa_id": "0310261553101", "disability1": "58",
        "degrees_attributes": [{"grade": "02", "subject": "100485", "institution": "0117",
                                "uk_degree": "083", "graduation_year": "2003"}],
        "placements_attributes": [{"urn": "900020", "name": "Placement"}],
    }  # fmt: skip


class _Collector:
    """Stands in for the register: keeps what the use case saves instead of storing it."""

    def __init__(self) -> None:
        self.saved: list[Trainee] = []
        # the rows it is handed are dropped: keys of its own seal them
        self.keyring = Keyring(MasterKeys([os.urandom(32)]), makes_keys=True)
        self.keyring.set_hash_secret(*self.keyring.make_hash_secret())

    def save(self, *objs: Trainee, **_: object) -> list[object]:
        self.saved.extend(objs)
        return []


def template(provider: ProviderRef, actor: Actor, today: date) -> Trainee:
    """A trainee registered through the production use case, with every rule checked."""
    canonical = HEAD.canonical_request(body("Template", today))
    fields = fields_of(convert(canonical, TraineeInput))
    new = commands.check_new_trainee(
        sent=fields, disabilities=disabilities_of(canonical),
        placements=[fields_of(p) for p in fields.pop("placements_attributes")],
        degrees=[fields_of(d) for d in fields.pop("degrees_attributes")],
        policy=HEAD.policy, today=today, known=Register(),
    )  # fmt: skip
    collector = _Collector()
    commands.register_trainee(typing.cast(TraineeRegister, collector), provider=provider,
                              new=new, actor=actor)  # fmt: skip
    return collector.saved[0]


def copy(model: Trainee, provider: ProviderRef, actor: Actor, surname: str) -> Trainee:
    """A new trainee with the model's record under another surname."""
    return Trainee.register(
        provider=provider, record=msgspec.structs.replace(model.record, last_name=surname),
        placements=tuple(model.placements), degrees=tuple(model.degrees), actor=actor,
        at=datetime.now(UTC),
    )  # fmt: skip


def deferrable(model: Trainee, provider: ProviderRef, actor: Actor, surname: str) -> Trainee:
    """A copy that received its TRN and changed its email: EVENTS_PER_TRAINEE events."""
    trainee = copy(model, provider, actor, surname)
    trainee.receive_trn(trn="1234567", actor=actor)
    email = f"{surname.lower()}@example.com"
    trainee.change_details(record=msgspec.structs.replace(trainee.record, email=email),
                           actor=actor, refuse_when_complete=True)  # fmt: skip
    return trainee


def long_lived(model: Trainee, provider: ProviderRef, actor: Actor, events: int) -> Trainee:
    """A copy with `events` events: details changes, deferrals and reinstatements in turn."""
    trainee = copy(model, provider, actor, "History")
    start = model.record.itt_start_date or date.today()
    for n in range(2, events):  # Registered and SubmittedForTrn come first
        if n % 3 == 2:
            record = msgspec.structs.replace(trainee.record, email=f"h{n}@example.com")
            trainee.change_details(record=record, actor=actor, refuse_when_complete=True)
        elif n % 3 == 0:
            trainee.defer(date=start, reason=None, actor=actor)
        else:
            trainee.reinstate(date=start, actor=actor)
    return trainee


Row = tuple[Any, int, str, bytes]


def stored(mapper: Mapper[Any], trainee: Trainee) -> list[Row]:
    """The trainee's new events as events-table rows (originator_id, version, topic, state)."""
    rows = []
    for event in trainee.collect_events():
        s = mapper.to_stored_event(event)
        rows.append((s.originator_id, s.originator_version, s.topic, s.state))
    return rows
