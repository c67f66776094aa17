"""Write use cases: load the trainee, let it decide, save its events and read-model row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol
from uuid import UUID

import msgspec
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError

from domain.details import (
    build_degree,
    build_placement,
    build_record,
    candidate,
    resolved,
    validate,
)
from domain.errors import ConcurrentChange, NotFound
from domain.rules import Candidate, Context, Policy, Register, School
from domain.rules.catalogue import TRAINEE_RULES
from domain.rules.nested import check_degrees_at_save
from domain.rules.submission import check_submission
from domain.rules.switches import Switch
from domain.trainee import Trainee, could_be_slug, trainee_uuid
from domain.values import Actor, ProviderRef
from projections.documents import document_json, document_parts, splice
from projections.inline import Unique
from projections.trainee_view import trainee_row
from service.keyring import Keyring
from service.queries import duplicate_check


class StoreUnavailable(Exception):
    """The event store could not be reached in time."""


class EventStore(Protocol):
    """What a use case asks of the event store: a trainee by id, and a save of its new events
    (the event store itself, or the API's write unit, service.writer)."""

    keyring: Keyring

    def get_trainee(self, aggregate_id: UUID) -> Trainee:
        """The trainee (AggregateNotFoundError when it has no events)."""
        ...

    def save(self, *aggregates: Any, **kwargs: Any) -> object:
        """Store the aggregates' new events."""
        ...


@dataclass(frozen=True)
class Written:
    """A trainee after a successful write: its document as JSON (head vocabulary) and version."""

    body: bytes
    version: int
    changed: bool = True

    @property
    def document(self) -> dict[str, Any]:
        """The document as a plain mapping."""
        out: dict[str, Any] = msgspec.json.decode(self.body)
        return out


def unchanged(trainee: Trainee) -> Written:
    """A trainee that nothing changed: no event, the current document."""
    return Written(document_json(trainee), trainee.version, changed=False)


def save(
    register: EventStore,
    trainee: Trainee,
    unique: Unique | None = None,
    new: bool = False,
    **kwargs: Any,
) -> Written:
    """Store the trainee's new events and its read-model row in one statement (a `new`
    trainee: with its new data key, and only if `unique` holds)."""
    parts = document_parts(trainee)
    try:
        views = [trainee_row(trainee, register.keyring, new=new, parts=parts)]
        register.save(trainee, views=views, unique=unique, **kwargs)
    except IntegrityError:
        raise ConcurrentChange from None
    except (OperationalError, InterfaceError):
        raise StoreUnavailable from None
    return Written(splice(*parts), trainee.version)


def load(register: EventStore, slug: str, provider_id: str | None, erased: bool = False) -> Trainee:
    """The provider's trainee with this id; another provider's trainee is not found
    (provider_id None: any provider's, for operators and the teacher-record system); an erased
    trainee raises TraineeErased unless `erased` asks for it."""
    if not could_be_slug(slug):
        raise NotFound
    try:
        trainee = register.get_trainee(trainee_uuid(slug))
    except AggregateNotFoundError:
        raise NotFound from None
    except (OperationalError, InterfaceError):
        raise StoreUnavailable from None
    if provider_id is not None and trainee.provider.provider_id != provider_id:
        raise NotFound
    if not erased:
        trainee.check_not_erased()
    return trainee


@dataclass(frozen=True)
class NewTrainee:
    """A new trainee's record that passed the attribute rules, and what it was judged with."""

    candidate: Candidate
    context: Context


def check_new_trainee(
    *,
    sent: Mapping[str, object],
    disabilities: Mapping[str, str],
    placements: Sequence[Mapping[str, object]],
    degrees: Sequence[Mapping[str, object]],
    policy: Policy,
    today: date,
    known: Register,
) -> NewTrainee:
    """Validate a new record with the attribute rules (pure; runs before the duplicate check)."""
    context = Context(today, policy, known)
    rewrite = context.on(Switch.PRIMARY_SUBJECT_REWRITE)
    new = NewTrainee(
        candidate(None, sent, disabilities, placements, degrees, rewrite_primary=rewrite), context
    )
    validate(TRAINEE_RULES, new.candidate, new.context)
    return new


def _school_of(item: Mapping[str, object], known: Register) -> School | None:
    urn = item.get("urn")
    return known.schools.get(str(urn)) if urn is not None else None


def register_trainee(
    register: EventStore, *, provider: ProviderRef, new: NewTrainee, actor: Actor
) -> Written:
    """Run the submission checks, register the trainee and submit it for a TRN; saved unless
    an identical trainee was saved meanwhile (raises Duplicated)."""
    trainee = new_trainee(provider=provider, new=new, actor=actor)
    unique = duplicate_check(register.keyring, provider.provider_id, new.candidate.values)
    return save(register, trainee, unique=unique, new=True)


def new_trainee(*, provider: ProviderRef, new: NewTrainee, actor: Actor) -> Trainee:
    """The registered trainee a checked record makes, once the submission checks pass (pure)."""
    c, known = new.candidate, new.context.register
    check_submission(c, new.context)
    check_degrees_at_save(c.degrees, new.context, nested=True)
    now = datetime.now(UTC)
    return Trainee.register(
        provider=provider,
        record=build_record(resolved(c, known), c.disabilities),
        placements=tuple(
            build_placement(
                {k: v for k, v in p.items() if k != "postcode"}, now, _school_of(p, known)
            )
            for p in c.placements
        ),  # nested placements keep no postcode, as the original's mapper drops it
        degrees=tuple(build_degree(d, now) for d in c.degrees),
        actor=actor,
        at=now,
    )


def update_trainee(
    register: EventStore,
    *,
    provider_id: str,
    slug: str,
    sent: Mapping[str, object],
    disabilities: Mapping[str, str],
    actor: Actor,
    policy: Policy,
    today: date,
    expected_version: int | None,
    known: Register | None = None,
) -> Written:
    """Merge the sent fields into the record, re-validate the whole, record what changed."""
    trainee = load(register, slug, provider_id)
    if expected_version is not None and expected_version != trainee.version:
        raise ConcurrentChange
    restricted = policy.on(Switch.EDITS_REFUSED_WHEN_COMPLETE)
    trainee.check_editable(refuse_when_complete=restricted)
    known = known or Register()
    context = Context(today, policy, known)
    rewrite = context.on(Switch.PRIMARY_SUBJECT_REWRITE)
    c = candidate(
        trainee.record, sent, disabilities, degrees=trainee.degrees, rewrite_primary=rewrite
    )
    validate(TRAINEE_RULES, c, context)
    if context.on(Switch.SUBMISSION_ON_UPDATE):
        check_submission(c, context)
    changed = trainee.change_details(
        record=build_record(resolved(c, known), c.disabilities),
        actor=actor,
        refuse_when_complete=restricted,
    )
    if not changed:
        return unchanged(trainee)
    return save(register, trainee)
