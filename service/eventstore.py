"""The write side: the eventsourcing application on PostgreSQL, with a typed msgspec mapper."""

from __future__ import annotations

import contextlib
import threading
import typing
from collections.abc import Callable, Sequence
from typing import Any, ClassVar
from uuid import UUID

import msgspec
from eventsourcing.application import Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import resolve_topic

from domain.personal import PERSONAL_IN_EVENTS
from domain.trainee import Trainee
from projections.inline import DESTROY_KEYS
from service.database import Database
from service.keyring import Keyring, KeyRow, KeyStore, KeyUnavailable, MasterKeys
from service.sealing import SEALED, event_name, seal_state, unseal_state

FORGET_ANSWERS = "DELETE FROM idempotency_keys WHERE position(%s::bytea in body) > 0"
_SKIPPED = frozenset({"originator_id", "originator_version", "originator_id_type"})


class MsgspecTranscoder(Transcoder):
    """JSON through msgspec: dates, datetimes and Structs encode natively."""

    def encode(self, obj: Any) -> bytes:
        return msgspec.json.encode(obj)

    def decode(self, data: bytes) -> Any:
        return msgspec.json.decode(data)


class _StateType(typing.NamedTuple):
    struct: type[msgspec.Struct]
    decoder: msgspec.json.Decoder[Any]
    class_version: int


_STATE_TYPES: dict[type, _StateType] = {}
_PREPARING = threading.Lock()


def _state_type(cls: type) -> _StateType:
    """A Struct with the event class's annotated fields, used to restore their types, a
    decoder of its JSON, and the class's version.

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
            decoder = msgspec.json.Decoder(made)
            _STATE_TYPES[cls] = _StateType(made, decoder, getattr(cls, "class_version", 1))
        return _STATE_TYPES[cls]


class StoredEventError(ValueError):
    """A stored event that does not fit its class: a field renamed or dropped without an
    upcaster, or one the class never had."""


def decode_state(cls: type, state: dict[str, Any]) -> dict[str, Any]:
    """A stored event's attributes, upcast to the class's version and typed strictly: an
    unknown or missing field is an error, never a silent drop."""
    found = _state_type(cls)
    class_version = found.class_version
    from_version = state.pop("class_version", 1)
    while from_version < class_version:
        getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
        from_version += 1
    try:
        typed = msgspec.convert(state, found.struct)
    except msgspec.ValidationError as exc:
        raise StoredEventError(f"{cls.__qualname__} v{class_version}: {exc}") from None
    return msgspec.structs.asdict(typed)


_CLASS_VERSION = b'"class_version"'


def decode_json_state(cls: type, data: bytes) -> dict[str, Any]:
    """decode_state of a stored event's JSON: decoded straight into the class's types, in
    one pass, when there is nothing to upcast; through a plain dict otherwise."""
    found = _state_type(cls)
    if found.class_version == 1 and _CLASS_VERSION not in data:
        try:
            return msgspec.structs.asdict(found.decoder.decode(data))
        except msgspec.ValidationError:
            pass  # decode_state says what is wrong
    return decode_state(cls, msgspec.json.decode(data))


class TypedMapper(Mapper[UUID]):
    """Restores each event attribute to its annotated type after upcasting the stored dict."""

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        return self.decode(
            typing.cast(UUID, stored_event.originator_id),
            stored_event.originator_version,
            stored_event.topic,
            stored_event.state,
        )

    def decode(
        self, originator_id: UUID, originator_version: int, topic: str, state: bytes
    ) -> DomainEventProtocol[UUID]:
        """The event stored with these values (to_domain_event without a StoredEvent)."""
        cls = resolve_topic(topic)
        event_state = self.event_state(cls, originator_id, originator_version, state)
        event_state["originator_id"] = originator_id
        event_state["originator_version"] = originator_version
        domain_event = object.__new__(cls)
        object.__setattr__(domain_event, "__dict__", event_state)
        return typing.cast(DomainEventProtocol[UUID], domain_event)

    def event_state(
        self, cls: type, originator_id: UUID, originator_version: int, state: bytes
    ) -> dict[str, Any]:
        """The stored event's attributes, typed (decode_state)."""
        if type(self.transcoder) is MsgspecTranscoder:
            return decode_json_state(cls, state)
        return decode_state(cls, self.transcoder.decode(state))


class SealingMapper(TypedMapper):
    """Seals the personal fields of each event with its trainee's data key on the way in, and
    opens them on the way out (service.sealing); the rest of the mapping is TypedMapper's.
    Without a keyring (`keyring=None`) personal fields read as erased: for projections that
    need none of them."""

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

    def event_state(
        self, cls: type, originator_id: UUID, originator_version: int, state: bytes
    ) -> dict[str, Any]:
        if _SEALED_KEY not in state:  # nothing sealed: no plain dict needed on the way
            return super().event_state(cls, originator_id, originator_version, state)
        plain: dict[str, Any] = self.transcoder.decode(state)
        aead = None if self.keyring is None else self.keyring.aead(originator_id)
        unseal_state(plain, aead, originator_id, originator_version)
        return decode_state(cls, plain)


_SEALED_KEY = b'"%s"' % SEALED.encode()  # as the encoder writes the key: never escaped


def keyed_mapper(master: MasterKeys, makes_keys: bool = False) -> SealingMapper:
    """A mapper whose keyring loads no key itself: a rebuild or the backfill teaches it each
    batch's keys (and the backfill makes those missing)."""
    return SealingMapper(MsgspecTranscoder(), Keyring(master, makes_keys=makes_keys))


def blind_mapper() -> SealingMapper:
    """A mapper that reads every personal field as erased, for projections that need none."""
    return SealingMapper(MsgspecTranscoder(), None)


def decode_stored_event(mapper: Mapper[UUID], row: Any) -> DomainEventProtocol[UUID]:
    """Turn an events-table row (originator_id, originator_version, topic, state) into an event."""
    if isinstance(mapper, TypedMapper):
        return mapper.decode(row[0], row[1], row[2], bytes(row[3]))
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
    return TraineeRegister(env=env, keyring=Keyring(master))
