"""A trainee's timeline: its events replayed one by one, the document after each, what changed
field by field, and the trainee as a client of any version would have read it at any point."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast
from uuid import UUID

import asyncpg
from eventsourcing.persistence import Mapper

from domain.personal import ERASED, PERSONAL_DOCUMENT_FIELDS
from domain.trainee import Trainee, trainee_uuid
from projections.documents import trainee_document
from service.eventstore import EVENTS_TABLE, decode_stored_event
from service.keyring import Keyring, load_keys
from service.versions import ApiVersion

_SYSTEM_EVENTS = frozenset({"TrnReceived", "Awarded"})
_LISTS = {"placements": "placement_id", "degrees": "degree_id"}
_READ = (
    "SELECT notification_id, originator_id, originator_version, topic, state, hash"
    f" FROM {EVENTS_TABLE} WHERE originator_id = $1 ORDER BY originator_version"
)


@dataclass(frozen=True)
class Step:
    """One event of the timeline and the trainee's document (head vocabulary) after it."""

    notification_id: int
    sequence: int
    event: str
    at: datetime
    actor: Mapping[str, Any]
    hash: bytes | None
    document: Mapping[str, Any]


@dataclass(frozen=True)
class Timeline:
    """Every event of one trainee, oldest first."""

    trainee_id: UUID
    slug: str
    provider_id: str
    steps: list[Step]

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
    if isinstance(keyring, Keyring):  # what is stored now: a key destroyed since is gone here too
        await load_keys(pool, keyring, [trainee_uuid(slug)])
    trainee: Trainee | None = None
    steps = []
    for row in rows:
        event = cast(Any, decode_stored_event(mapper, row[1:5]))
        trainee = cast(Trainee, event.mutate(trainee))  # the first event creates the aggregate
        name = type(event).__name__
        steps.append(
            Step(
                notification_id=row["notification_id"],
                sequence=row["originator_version"],
                event=name,
                at=event.timestamp,
                actor=actor_view(getattr(event, "actor", None), name),
                hash=bytes(row["hash"]) if row["hash"] is not None else None,
                document=trainee_document(trainee),
            )
        )
    trainee = cast(Trainee, trainee)
    if trainee.erasure is not None:
        steps = [replace(step, document=erased_document(step.document)) for step in steps]
    return Timeline(trainee.id, trainee.slug, trainee.provider.provider_id, steps)


def erased_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """A document of an erased trainee: each personal member reads "erased"."""
    personal = PERSONAL_DOCUMENT_FIELDS
    return {
        k: ERASED if k in personal or (k.startswith("disability") and k[10:].isdigit()) else v
        for k, v in document.items()
    }


def _items(value: Any, key: str) -> dict[str, Any]:
    return {str(item.get(key)): item for item in value or () if isinstance(item, dict)}


_ABSENT: Any = object()


def _list_changes(name: str, old: Any, new: Any, key: str, out: dict[str, Any]) -> None:
    """Placements or degrees compared item by item (`<name>.<id>.<field>`)."""
    olds, news = _items(old, key), _items(new, key)
    for item in [*news, *(i for i in olds if i not in news)]:
        a, b = olds.get(item), news.get(item)
        if a is None or b is None:
            out[f"{name}.{item}"] = {"from": a, "to": b}
            continue
        for field in b:
            if field != "updated_at" and a.get(field) != b.get(field):
                out[f"{name}.{item}.{field}"] = {"from": a.get(field), "to": b.get(field)}


def changes(
    before: Mapping[str, Any], after: Mapping[str, Any], version: ApiVersion
) -> dict[str, Any]:
    """What differs between two rendered documents, field by field, as {"from", "to"};
    placements and degrees are compared item by item (`placements.<id>.<field>`)."""
    skipped = version.wire_name("updated_at")
    out: dict[str, Any] = {}
    # Most events change a field or two of a hundred: compare values first (identity, then
    # equality, both in C) and look closer only at the ones that differ.
    differing = [
        (name, new)
        for name, new in after.items()
        if (old := before.get(name, _ABSENT)) is not new and old != new
    ]
    gone = before.keys() - after.keys()
    if gone:  # in the order of `before`
        differing += [(name, None) for name in before if name in gone]
    for name, new in differing:
        old = before.get(name)
        if name == skipped or old == new:  # a field now missing that was None
            continue
        key = _LISTS.get(name) if isinstance(new or old, list) else None
        if key is None:
            out[name] = {"from": old, "to": new}
        else:
            _list_changes(name, old, new, key, out)
    return out


def entries(timeline: Timeline, version: ApiVersion) -> list[dict[str, Any]]:
    """The timeline as audit entries in one version's vocabulary, oldest first."""
    out = []
    before: Mapping[str, Any] = {}
    for step in timeline.steps:
        after = version.render(step.document)
        out.append(
            {
                "sequence": step.sequence,
                "event": step.event,
                "at": step.at.isoformat(),
                "actor": step.actor,
                "api_version": step.actor.get("api_version"),
                "request_id": step.actor.get("request_id"),
                "changes": changes(before, after, version),
                "hash": step.hash.hex() if step.hash else None,
            }
        )
        before = after
    return out
