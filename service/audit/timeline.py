"""A trainee's timeline: its events replayed one by one, what each changed field by field,
and the trainee as a client of any version would have read it at any point.

A step keeps the trainee's attributes its document is made from (projections.documents.SOURCES)
and which of them, or of its record's fields, the event changed, not a whole document: most
events change two or three of sixty, so an entry makes again and compares only their members,
and a document is made only for the step that is asked for."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import compress
from operator import attrgetter, ne
from typing import Any, cast
from uuid import UUID

import asyncpg
import msgspec
from eventsourcing.persistence import Mapper
from msgspec.structs import astuple

from domain.personal import ERASED, PERSONAL_DOCUMENT_FIELDS
from domain.trainee import Trainee, trainee_uuid
from domain.values import RECORD_FIELDS
from projections.documents import MEMBER_SOURCES, SOURCES, Members, document_from, trainee_sources
from service.audit.changes import LEFT_OUT, changes, described
from service.eventstore import EVENTS_TABLE, decode_stored_event
from service.keyring import Keyring
from service.versions import ApiVersion

_SYSTEM_EVENTS = frozenset({"TrnReceived", "Awarded"})
_READ = (
    "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, e.hash,"
    " k.trainee_id IS NOT NULL AS keyed, k.wrapped, k.master_key_id"
    f" FROM {EVENTS_TABLE} e LEFT JOIN trainee_keys k"
    " ON k.trainee_id = e.originator_id AND e.originator_version = 1"
    " WHERE e.originator_id = $1 ORDER BY e.originator_version"
)
"""A trainee's events, the first with its data key as stored now (a key destroyed since is
gone here too): one round trip."""


_NAMES = SOURCES
_RECORD = _NAMES.index("record")
_RECORD_SOURCES = tuple(f"record.{field}" for field in RECORD_FIELDS)


def _maker(source: str) -> Callable[[tuple[Any, ...]], dict[str, Any]]:
    """The members a source made, from a step's sources."""
    make: Members = MEMBER_SOURCES[source]
    if source.startswith("record."):
        field = attrgetter(source.removeprefix("record."))
        return lambda sources: make(field(sources[_RECORD]))
    at = _NAMES.index(source)
    return lambda sources: make(sources[at])


_MAKERS = {source: _maker(source) for source in MEMBER_SOURCES}


def _erasing(
    make: Callable[[tuple[Any, ...]], dict[str, Any]],
) -> Callable[[tuple[Any, ...]], dict[str, Any]]:
    return lambda sources: erased_document(make(sources))


class Step(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One event of the timeline, and the trainee's attributes its document is made from
    after it (in SOURCES order). Not tracked by the garbage collector: a step refers to no
    step, and a timeline has many."""

    notification_id: int
    sequence: int
    event: str
    at: datetime
    actor: Mapping[str, Any]
    hash: bytes | None
    sources: tuple[Any, ...]
    changed: tuple[str, ...] | None
    """The member sources (MEMBER_SOURCES) the event changed (None: the first event, which
    made them all)."""


@dataclass(frozen=True)
class Timeline:
    """Every event of one trainee, oldest first."""

    trainee_id: UUID
    slug: str
    provider_id: str
    steps: list[Step]
    erased: bool = False

    def document(self, step: Step) -> dict[str, Any]:
        """The trainee's document (the domain's vocabulary) after the step."""
        return self._erased(document_from(step.sources))

    def makers(self) -> dict[str, Callable[[tuple[Any, ...]], dict[str, Any]]]:
        """Per member source, what it makes from a step's sources (personal members erased
        for an erased trainee)."""
        if not self.erased:
            return _MAKERS
        return {source: _erasing(make) for source, make in _MAKERS.items()}

    def _erased(self, members: dict[str, Any]) -> dict[str, Any]:
        return erased_document(members) if self.erased else members

    def at_time(self, moment: datetime) -> Step | None:
        """The last step at or before the moment (None: the trainee did not exist yet)."""
        found = None
        for step in self.steps:
            if step.at > moment:
                break
            found = step
        return found

    def at_sequence(self, sequence: int) -> Step | None:
        """The step with this sequence number."""
        return next((s for s in self.steps if s.sequence == sequence), None)


def actor_view(actor: Any, event: str) -> dict[str, Any]:
    """Who caused an event: a provider's token, an operator, or the teacher-record system."""
    source = getattr(actor, "source", None)
    if source == "api":
        return {
            "type": "provider",
            "provider_id": actor.provider_id,
            "token_id": actor.token_id,
            "api_version": actor.api_version,
            "request_id": actor.request_id,
        }
    operator = getattr(actor, "operator", None)
    if event in _SYSTEM_EVENTS:
        return {"type": "teacher_record_system", "recorded_by": operator}
    return {"type": "operator", "operator": operator}


async def load(
    pool: asyncpg.Pool | asyncpg.Connection, mapper: Mapper[UUID], slug: str
) -> Timeline | None:
    """Replay the trainee's stream from the event store (None when there is no such trainee)."""
    rows = await pool.fetch(_READ, trainee_uuid(slug))
    if not rows:
        return None
    keyring = getattr(mapper, "keyring", None)
    if isinstance(keyring, Keyring) and rows[0]["keyed"]:
        keyring.learn([(rows[0]["originator_id"], rows[0]["wrapped"], rows[0]["master_key_id"])])
    trainee: Any = None
    steps = []
    before: tuple[Any, ...] = ()
    lists: list[int] = []
    actors: dict[tuple[Any, bool], dict[str, Any]] = {}  # one view of each actor, shared
    for row in rows:
        event: Any = decode_stored_event(mapper, row[1:5])
        trainee = event.mutate(trainee)  # the first event creates the aggregate
        now = list(trainee_sources(trainee))
        if not before:
            lists = [n for n, value in enumerate(now) if type(value) is list]
        for n in lists:  # copied (some events append to the trainee's own list), kept if equal
            copy = tuple(now[n])
            now[n] = before[n] if before and before[n] == copy else copy
        after = tuple(now)
        name = type(event).__name__
        actor = getattr(event, "actor", None), name in _SYSTEM_EVENTS
        if actor not in actors:
            actors[actor] = actor_view(actor[0], name)
        steps.append(
            Step(
                notification_id=row["notification_id"],
                sequence=row["originator_version"],
                event=name,
                at=event.timestamp,
                actor=actors[actor],
                hash=bytes(row["hash"]) if row["hash"] is not None else None,
                sources=after,
                changed=_changed(before, after) if before else None,
            )
        )
        before = after
    trainee = cast(Trainee, trainee)
    erased = trainee.erasure is not None
    return Timeline(trainee.id, trainee.slug, trainee.provider.provider_id, steps, erased)


def _changed(before: tuple[Any, ...], after: tuple[Any, ...]) -> tuple[str, ...]:
    """The member sources that differ (compared in C: a Python loop costs more than all the
    rest of a step)."""
    names = list(compress(_NAMES, map(ne, before, after)))
    if "record" in names:
        names.remove("record")
        was, now = before[_RECORD], after[_RECORD]
        names += compress(_RECORD_SOURCES, map(ne, astuple(was), astuple(now)))
    return tuple(names)


def erased_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """A document of an erased trainee: each personal member reads "erased"."""
    personal = PERSONAL_DOCUMENT_FIELDS
    return {
        k: ERASED if k in personal or (k.startswith("disability") and k[10:].isdigit()) else v
        for k, v in document.items()
    }


def entries(timeline: Timeline, version: ApiVersion) -> list[dict[str, Any]]:
    """The timeline as audit entries in one version's vocabulary, oldest first."""
    return [
        {
            "sequence": step.sequence,
            "event": step.event,
            "at": step.at.isoformat(),
            "actor": step.actor,
            "api_version": step.actor.get("api_version"),
            "request_id": step.actor.get("request_id"),
            "changes": changed,
            "hash": step.hash.hex() if step.hash else None,
        }
        for step, changed in zip(timeline.steps, _changes(timeline, version), strict=True)
    ]


def _changes(timeline: Timeline, version: ApiVersion) -> Iterator[dict[str, Any]]:
    """What each step changed, in the version's vocabulary: the members of the sources an
    event changed are made again and compared with what they were, the rest is not looked at
    (a whole document is made only where members came or went, and for the first step)."""
    document: dict[str, Any] = {}  # after the step before, in the domain's vocabulary
    members: dict[str, dict[str, Any]] = {}  # what each member source made then
    order: dict[str, int] = {}
    quiet: frozenset[str] = frozenset()  # sources whose members no entry shows
    makers, render, head = timeline.makers(), version.render_some, version.is_head
    for step in timeline.steps:
        whole, made = step.changed is None, {}
        for source in step.changed or ():
            if source in quiet:
                continue
            now, then = makers[source](step.sources), members[source]
            if now.keys() != then.keys():  # disabilityN members came or went
                whole = True
                break
            members[source] = now
            made.update({k: v for k, v in now.items() if then[k] != v})
        if whole:
            after = timeline.document(step)
            was = version.render(document) if document else {}
            yield changes(was, version.render(after), version)
            document = after
            members = {source: make(step.sources) for source, make in makers.items()}
            order = {name: n for n, name in enumerate(document)}
            if not version.response_added:  # an added member may read any other one
                quiet = frozenset(s for s, m in members.items() if m.keys() <= {LEFT_OUT})
            continue
        names = sorted(made, key=order.__getitem__) if len(made) > 1 else list(made)
        if head:  # renders as it is: the members themselves
            yield described([(n, document[n], made[n]) for n in names], version)
            document.update(made)
            continue
        was = render(document, names)
        document.update(made)
        now = render(document, names)
        yield described([(k, was[k], v) for k, v in now.items()], version)
