"""The write side: the eventsourcing application on PostgreSQL, with a typed msgspec mapper."""

from __future__ import annotations

import contextlib
import threading
import typing
from typing import Any, ClassVar
from uuid import UUID

import msgspec
from eventsourcing.application import Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import resolve_topic

from domain.trainee import Trainee
from service.database import Database

_SKIPPED = frozenset({"originator_id", "originator_version", "originator_id_type"})


class MsgspecTranscoder(Transcoder):
    """JSON through msgspec: dates, datetimes and Structs encode natively."""

    def encode(self, obj: Any) -> bytes:
        return msgspec.json.encode(obj)

    def decode(self, data: bytes) -> Any:
        return msgspec.json.decode(data)


_STATE_TYPES: dict[type, type[msgspec.Struct]] = {}
_PREPARING = threading.Lock()


def _state_type(cls: type) -> type[msgspec.Struct]:
    """A Struct with the event class's annotated fields, used to restore their types.

    Made and prepared under a lock: msgspec prepares a type's decoder on its first use, and two
    write threads doing that at once for the same type can crash the process.
    """
    found = _STATE_TYPES.get(cls)
    if found is not None:
        return found
    with _PREPARING:
        if cls not in _STATE_TYPES:
            hints = typing.get_type_hints(cls)
            fields = [
                (name, hint)
                for name, hint in hints.items()
                if name not in _SKIPPED and typing.get_origin(hint) is not ClassVar
            ]
            made = msgspec.defstruct(
                f"{cls.__qualname__}State", fields, kw_only=True, forbid_unknown_fields=True
            )
            with contextlib.suppress(msgspec.ValidationError):
                msgspec.convert({}, made)  # prepares the decoder (then fails: fields missing)
            _STATE_TYPES[cls] = made
        return _STATE_TYPES[cls]


class StoredEventError(ValueError):
    """A stored event that does not fit its class: a field renamed or dropped without an
    upcaster, or one the class never had."""


def decode_state(cls: type, state: dict[str, Any]) -> dict[str, Any]:
    """A stored event's attributes, upcast to the class's version and typed strictly: an
    unknown or missing field is an error, never a silent drop."""
    class_version = getattr(cls, "class_version", 1)
    from_version = state.pop("class_version", 1)
    while from_version < class_version:
        getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
        from_version += 1
    try:
        typed = msgspec.convert(state, _state_type(cls))
    except msgspec.ValidationError as exc:
        raise StoredEventError(f"{cls.__qualname__} v{class_version}: {exc}") from None
    return {name: getattr(typed, name) for name in typed.__struct_fields__}


class TypedMapper(Mapper[UUID]):
    """Restores each event attribute to its annotated type after upcasting the stored dict."""

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        cls = resolve_topic(stored_event.topic)
        event_state = decode_state(cls, self.transcoder.decode(stored_event.state))
        event_state["originator_id"] = stored_event.originator_id
        event_state["originator_version"] = stored_event.originator_version
        domain_event = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", event_state)
        return typing.cast(DomainEventProtocol[UUID], domain_event)


def decode_stored_event(mapper: Mapper[UUID], row: Any) -> DomainEventProtocol[UUID]:
    """Turn an events-table row (originator_id, originator_version, topic, state) into an event."""
    return mapper.to_domain_event(
        StoredEvent(
            originator_id=row[0], originator_version=row[1], topic=row[2], state=bytes(row[3])
        )
    )


class TraineeRegister(Application[UUID]):
    """The event store of trainee aggregates."""

    name = "TraineeRegister"

    def construct_mapper(self) -> Mapper[UUID]:
        return TypedMapper(transcoder=MsgspecTranscoder())

    def get_trainee(self, aggregate_id: UUID) -> Trainee:
        """Load a trainee from its events (raises AggregateNotFoundError)."""
        return typing.cast(Trainee, self.repository.get(aggregate_id))


EVENTS_TABLE = "traineeregister_events"


def open_register(
    database: Database, pool_size: int, *, create_tables: bool = True
) -> TraineeRegister:
    """Connect the write side, sized to the thread executor that calls it (creating its tables
    when missing takes a lock that waits for every writer appending at the time)."""
    env = database.eventsourcing_env()
    env.update(
        {
            "APPLICATION_RECORDER_TOPIC": "projections.inline:InlineViewRecorder",
            "POSTGRES_POOL_SIZE": str(pool_size),
            "POSTGRES_MAX_OVERFLOW": "0",
            "POSTGRES_MAX_WAITING": "0",
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_LOCK_TIMEOUT": "5",
            "CREATE_TABLE": "yes" if create_tables else "no",
            # No pre-ping and no aggregate cache: each costs more CPU per write (a round trip
            # per checkout; a deep copy per load) than it saves; failed writes are retried.
        }
    )
    return TraineeRegister(env=env)
