"""The write side: the eventsourcing application on PostgreSQL, with a typed msgspec mapper."""

from __future__ import annotations

import contextlib
import threading
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from uuid import UUID

import msgspec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.application import Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import resolve_topic

from domain.personal import PERSONAL_IN_EVENTS, SELF
from domain.trainee import Trainee
from projections.inline import DESTROY_KEYS
from service.database import Database
from service.keyring import Keyring, KeyRow, KeyStore, KeyUnavailable, MasterKeys
from service.sealing import (
    SEALED,
    Envelope,
    Layout,
    event_name,
    layout,
    open_fields,
    seal_state,
    unseal_state,
)

FORGET_ANSWERS = "DELETE FROM idempotency_keys WHERE position(%s::bytea in body) > 0"
Unset = msgspec.UnsetType
_SKIPPED = frozenset({"originator_id", "originator_version", "originator_id_type"})


class MsgspecTranscoder(Transcoder):
    """JSON through msgspec: dates, datetimes and Structs encode natively."""

    def encode(self, obj: Any) -> bytes:
        return msgspec.json.encode(obj)

    def decode(self, data: bytes) -> Any:
        return msgspec.json.decode(data)


@dataclass(frozen=True)
class StateCodec:
    """How the stored state of one event class decodes: straight from its JSON into a Struct
    of the class's annotated fields (strict: an unknown or missing field is an error), then
    its class_version and, when its personal fields may be sealed, the SEALED envelope and
    where its opened fields go."""

    cls: type
    type: type[msgspec.Struct]
    decoder: msgspec.json.Decoder[Any]
    class_version: int
    layout: Layout | None = None  # where the opened personal fields go
    unsealed: tuple[str, ...] = ()  # the event's own personal fields: missing while sealed

    def decode(self, state: bytes) -> Any:
        """The typed state, or None when it is not stored at the class's version as it is
        (then the plain way upcasts it, or says what is wrong)."""
        try:
            typed = self.decoder.decode(state)
        except msgspec.ValidationError:
            return None
        return typed if typed.class_version == self.class_version else None

    def attributes(self, typed: Any) -> dict[str, Any]:
        """The event's attributes from its typed state (its first fields, in their order)."""
        found = msgspec.structs.asdict(typed)
        del found["class_version"]
        if self.layout is not None:
            del found["envelope"]
        return found

    def complete(self, attributes: dict[str, Any]) -> bool:
        """Whether no personal attribute of the event itself is still missing."""
        return all(attributes[name] is not msgspec.UNSET for name in self.unsealed)


_CODECS: dict[tuple[str, bool], StateCodec] = {}
_PREPARING = threading.Lock()


def state_codec(topic: str, sealed: bool = False) -> StateCodec:
    """The codec of the event class a topic names; `sealed`: when its personal fields may be
    sealed (the SealingMapper's).

    Made and prepared under a lock: msgspec prepares a type's decoder on its first use, and two
    threads doing that at once for the same type can crash the process.
    """
    found = _CODECS.get((topic, sealed))
    if found is not None:
        return found
    with _PREPARING:
        if (topic, sealed) not in _CODECS:
            _CODECS[topic, sealed] = _make_codec(resolve_topic(topic), event_name(topic), sealed)
        return _CODECS[topic, sealed]


def _make_codec(cls: type, name: str, sealed: bool) -> StateCodec:
    sealed = sealed and name in PERSONAL_IN_EVENTS
    hints = typing.get_type_hints(cls)
    unsealed = PERSONAL_IN_EVENTS[name].get(SELF, frozenset()) if sealed else frozenset()
    fields: list[tuple[Any, ...]] = [
        (field, hint) if field not in unsealed else (field, hint | Unset, msgspec.UNSET)
        for field, hint in hints.items()
        if field not in _SKIPPED and typing.get_origin(hint) is not ClassVar
    ]
    fields.append(("class_version", int, 1))
    if sealed:
        fields.append(("envelope", Envelope | None, None))
    made = msgspec.defstruct(
        f"{cls.__qualname__}State", fields, kw_only=True, forbid_unknown_fields=True,
        rename={"envelope": SEALED} if sealed else None,
    )  # fmt: skip
    decoder = msgspec.json.Decoder(made)
    with contextlib.suppress(msgspec.ValidationError):
        msgspec.convert({}, made)  # prepares convert too (then fails: fields missing)
    version = getattr(cls, "class_version", 1)
    if not sealed:
        return StateCodec(cls, made, decoder, version)
    found = layout(cls, name)
    return StateCodec(cls, made, decoder, version, found, tuple(sorted(unsealed)))


class StoredEventError(ValueError):
    """A stored event that does not fit its class: a field renamed or dropped without an
    upcaster, or one the class never had."""


def decode_state(topic: str, state: dict[str, Any]) -> dict[str, Any]:
    """A stored event's attributes from its plain values, upcast to the class's version and
    typed strictly: an unknown or missing field is an error, never a silent drop."""
    codec = state_codec(topic)
    cls, class_version = codec.cls, codec.class_version
    from_version = state.pop("class_version", 1)
    while from_version < class_version:
        getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
        from_version += 1
    try:
        typed = msgspec.convert(state, codec.type)
    except msgspec.ValidationError as exc:
        raise StoredEventError(f"{cls.__qualname__} v{class_version}: {exc}") from None
    return codec.attributes(typed)


class TypedMapper(Mapper[UUID]):
    """Restores each event attribute to its annotated type: straight from the stored JSON, or
    after upcasting the stored dict."""

    sealing = False  # whether stored personal fields may be sealed

    def stored_state(self, stored_event: StoredEvent) -> dict[str, Any]:
        """The stored event's attributes as plain values."""
        state: dict[str, Any] = self.transcoder.decode(stored_event.state)
        return state

    def event_state(self, codec: StateCodec, stored_event: StoredEvent) -> dict[str, Any]:
        """The stored event's attributes, typed."""
        typed = codec.decode(stored_event.state)
        if typed is None:
            return decode_state(stored_event.topic, self.stored_state(stored_event))
        return codec.attributes(typed)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        codec = state_codec(stored_event.topic, self.sealing)
        event_state = self.event_state(codec, stored_event)
        event_state["originator_id"] = stored_event.originator_id
        event_state["originator_version"] = stored_event.originator_version
        domain_event: DomainEventProtocol[UUID] = object.__new__(codec.cls)
        object.__setattr__(domain_event, "__dict__", event_state)
        return domain_event


class SealingMapper(TypedMapper):
    """Seals the personal fields of each event with its trainee's data key on the way in, and
    opens them on the way out (service.sealing); the rest of the mapping is TypedMapper's.
    Without a keyring (`keyring=None`) personal fields read as erased: for projections that
    need none of them."""

    sealing = True

    def __init__(self, transcoder: Transcoder, keyring: Keyring | None) -> None:
        super().__init__(transcoder=transcoder)
        self.keyring = keyring

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        stored = super().to_stored_event(domain_event)
        name = event_name(stored.topic)
        if name not in PERSONAL_IN_EVENTS:
            return stored
        if self.keyring is None:
            raise KeyUnavailable("events are written with a keyring")
        state = self.transcoder.decode(stored.state)
        trainee_id = typing.cast(UUID, stored.originator_id)
        first = stored.originator_version == 1
        aead = self.keyring.aead_for_writing(trainee_id, first)
        if not seal_state(name, state, aead, trainee_id, stored.originator_version):
            return stored
        return StoredEvent(
            originator_id=stored.originator_id,
            originator_version=stored.originator_version,
            topic=stored.topic,
            state=self.transcoder.encode(state),
        )

    def _aead(self, stored_event: StoredEvent) -> AESGCM | None:
        trainee_id = typing.cast(UUID, stored_event.originator_id)
        return None if self.keyring is None else self.keyring.aead(trainee_id)

    def _open(
        self, found: Layout, state: dict[str, Any], envelope: Envelope | None, stored: StoredEvent
    ) -> bool:
        """Put the sealed fields back into the typed state; whether they fit."""
        if envelope is None:
            return True
        trainee_id = typing.cast(UUID, stored.originator_id)
        aead = None if self.keyring is None else self.keyring.aead(trainee_id)
        return open_fields(found, state, envelope, aead, trainee_id, stored.originator_version)

    def event_state(self, codec: StateCodec, stored_event: StoredEvent) -> dict[str, Any]:
        if codec.layout is None:
            return super().event_state(codec, stored_event)
        typed = codec.decode(stored_event.state)
        if typed is not None:
            state = codec.attributes(typed)
            opened = self._open(codec.layout, state, typed.envelope, stored_event)
            if opened and codec.complete(state):
                return state
        return decode_state(stored_event.topic, self.stored_state(stored_event))

    def stored_state(self, stored_event: StoredEvent) -> dict[str, Any]:
        state = super().stored_state(stored_event)
        if SEALED in state:
            trainee_id = typing.cast(UUID, stored_event.originator_id)
            version = stored_event.originator_version
            unseal_state(state, self._aead(stored_event), trainee_id, version)
        return state


def keyed_mapper(master: MasterKeys, makes_keys: bool = False) -> SealingMapper:
    """A mapper whose keyring loads no key itself: a rebuild or the backfill teaches it each
    batch's keys (and the backfill makes those missing)."""
    return SealingMapper(MsgspecTranscoder(), Keyring(master, makes_keys=makes_keys))


def blind_mapper() -> SealingMapper:
    """A mapper that reads every personal field as erased, for projections that need none."""
    return SealingMapper(MsgspecTranscoder(), None)


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

    def __init__(self, env: dict[str, str], keyring: Keyring) -> None:
        self.keyring = keyring
        super().__init__(env=env)
        keyring.store = PsycopgKeyStore(self)
        keyring.makes_keys = True
        self.recorder.keyring = keyring  # type: ignore[attr-defined]

    def construct_mapper(self) -> Mapper[UUID]:
        return SealingMapper(MsgspecTranscoder(), self.keyring)

    def destroy_key(self, trainee_id: UUID) -> None:
        """Destroy a trainee's data key (erasure; also done with the Erased event itself)."""
        with self.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
            conn.execute(DESTROY_KEYS, ([trainee_id],))
        self.keyring.forget(trainee_id)

    def forget_answers(self, slug: str) -> None:
        """Delete the kept answers to idempotent requests that name the trainee (erasure)."""
        with self.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
            conn.execute(FORGET_ANSWERS, (slug.encode(),))

    def get_trainee(self, aggregate_id: UUID) -> Trainee:
        """Load a trainee from its events (raises AggregateNotFoundError)."""
        return typing.cast(Trainee, self.repository.get(aggregate_id))


EVENTS_TABLE = "traineeregister_events"


class AppendsRunning(TimeoutError):
    """An append that held the append lock did not end within the patience given (the
    database is busy: a caller tries again later, as after any other timeout)."""


async def settled_head(conn: Any, patience: float = 5.0) -> int:
    """The highest notification id below which no event can still commit (appends may commit
    out of id order: migration 0015). Call it outside a repeatable-read transaction, before the
    statements that read up to it. AppendsRunning when an append held on longer than
    `patience` seconds."""
    head = await conn.fetchval(
        "SELECT trainees_settled_head(make_interval(secs => $1))", float(patience)
    )
    if head is None:
        raise AppendsRunning(f"an append ran for more than {patience:g} s")
    return int(head)


class PsycopgKeyStore(KeyStore):
    """Loads data keys and secrets through the write side's connection pool."""

    def __init__(self, register: TraineeRegister) -> None:
        self.register = register

    def _datastore(self) -> Any:
        return self.register.recorder.datastore  # type: ignore[attr-defined]

    def load(self, ids: Sequence[UUID]) -> list[KeyRow]:
        with self._datastore().get_connection() as conn:
            rows = conn.execute(
                "SELECT trainee_id, wrapped, master_key_id FROM trainee_keys"
                " WHERE trainee_id = ANY(%s)",
                (list(ids),),
                prepare=True,
            ).fetchall()
        return [(r["trainee_id"], r["wrapped"], r["master_key_id"]) for r in rows]

    def secret(self, name: str, make: Callable[[], tuple[bytes, str]]) -> tuple[bytes, str]:
        with self._datastore().get_connection() as conn:
            row = conn.execute(
                "SELECT wrapped, master_key_id FROM keyring_secrets WHERE name = %s", (name,)
            ).fetchone()
            if row is None:
                wrapped, master_id = make()
                conn.execute(
                    "INSERT INTO keyring_secrets (name, wrapped, master_key_id)"
                    " VALUES (%s, %s, %s) ON CONFLICT (name) DO NOTHING",
                    (name, wrapped, master_id),
                )
                row = conn.execute(
                    "SELECT wrapped, master_key_id FROM keyring_secrets WHERE name = %s", (name,)
                ).fetchone()
        return bytes(row["wrapped"]), row["master_key_id"]


def open_register(
    database: Database, pool_size: int, master: MasterKeys, *, create_tables: bool = True
) -> TraineeRegister:
    """Connect the event store with `pool_size` connections (creating its tables when missing
    takes a lock that waits for every writer appending at the time)."""
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
    return TraineeRegister(env=env, keyring=Keyring(master))
