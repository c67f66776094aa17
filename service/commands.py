"""Write use cases: load the trainee, let it decide, save its events and read-model row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError

from domain.details import build_degree, build_placement, build_record, merge, validate
from domain.errors import ConcurrentChange, NotFound
from domain.rules import Candidate, Context
from domain.rules.catalogue import TRAINEE_RULES
from domain.trainee import Trainee, trainee_uuid
from domain.values import Actor, ProviderRef
from projections.trainee_view import trainee_document, trainee_row
from service.eventstore import TraineeRegister


class StoreUnavailable(Exception):
    """The event store could not be reached in time."""


@dataclass(frozen=True)
class Written:
    """A trainee after a successful write: its document (head vocabulary) and version."""

    document: dict[str, Any]
    version: int
    changed: bool = True


def save(register: TraineeRegister, trainee: Trainee) -> Written:
    try:
        register.save(trainee, views=[trainee_row(trainee)])
    except IntegrityError:
        raise ConcurrentChange from None
    except (OperationalError, InterfaceError):
        raise StoreUnavailable from None
    return Written(trainee_document(trainee), trainee.version)


def load(register: TraineeRegister, slug: str, provider_id: str | None) -> Trainee:
    """The provider's trainee with this id; another provider's trainee is not found
    (provider_id None: any provider's, for operators and the teacher-record system)."""
    try:
        trainee = register.get_trainee(trainee_uuid(slug))
    except AggregateNotFoundError:
        raise NotFound from None
    except (OperationalError, InterfaceError):
        raise StoreUnavailable from None
    if provider_id is not None and trainee.provider.provider_id != provider_id:
        raise NotFound
    return trainee


def register_trainee(
    register: TraineeRegister,
    *,
    provider: ProviderRef,
    sent: Mapping[str, object],
    disabilities: Mapping[str, str],
    placements: Sequence[Mapping[str, object]],
    degrees: Sequence[Mapping[str, object]],
    actor: Actor,
    rules_off: frozenset[str],
    today: date,
) -> Written:
    """Validate a new record, register it and submit it for a TRN."""
    values = merge(None, sent)
    candidate = Candidate(values, disabilities, tuple(placements), tuple(degrees), creating=True)
    validate(TRAINEE_RULES, candidate, Context(today=today, switched_off=rules_off))
    now = datetime.now(UTC)
    trainee = Trainee.register(
        provider=provider,
        record=build_record(values, disabilities),
        placements=tuple(build_placement(p, now) for p in placements),
        degrees=tuple(build_degree(d, now) for d in degrees),
        actor=actor,
        at=now,
    )
    return save(register, trainee)


def update_trainee(
    register: TraineeRegister,
    *,
    provider_id: str,
    slug: str,
    sent: Mapping[str, object],
    disabilities: Mapping[str, str],
    actor: Actor,
    rules_off: frozenset[str],
    today: date,
    expected_version: int | None,
) -> Written:
    """Merge the sent fields into the record, re-validate the whole, record what changed."""
    trainee = load(register, slug, provider_id)
    if expected_version is not None and expected_version != trainee.version:
        raise ConcurrentChange
    restricted = "edits_refused_when_complete" not in rules_off
    trainee.check_editable(refuse_when_complete=restricted)
    values = merge(trainee.record, sent)
    merged_disabilities = {**trainee.record.disabilities, **disabilities}
    candidate = Candidate(values, merged_disabilities, creating=False)
    validate(TRAINEE_RULES, candidate, Context(today=today, switched_off=rules_off))
    changed = trainee.change_details(
        record=build_record(values, merged_disabilities),
        actor=actor,
        refuse_when_complete=restricted,
    )
    if not changed:
        return Written(trainee_document(trainee), trainee.version, changed=False)
    return save(register, trainee)
