"""A recorder that writes the trainee read model in the same transaction as the events."""

from __future__ import annotations

import hashlib
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.types.json import Json
from psycopg.types.string import TextLoader

from projections.trainee_view import COLUMNS, open_row
from service.keyring import Keyring

SAVE = (
    "SELECT trainees_save(%s::uuid[], %s::bigint[], %s::text[], %s::bytea[], %s::json,"
    " %s::uuid[], %s::bytea[], %s::text[], %s::integer, %s::text[])"
)
DUPLICATE = "TRD01"  # the SQLSTATE trainees_save raises when the record is a duplicate
IDENTITY_LOCKS = 1_207_001  # the advisory-lock space of record identities (first key)


@dataclass(frozen=True)
class Unique:
    """A condition on saving a new trainee: the duplicate rule (the trainee_duplicates
    database function) finds no trainee for `args`, its seven arguments.

    trainees_save runs it in the saving statement after a transaction-scoped advisory lock on
    `identity`, so two saves of the same identity check one after the other, each seeing the
    other's rows. `query` (with $n placeholders, taking `args`) lists the duplicates' rows
    when the check fails.
    """

    identity: bytes
    query: str
    args: tuple[object, ...]

    def lock_key(self) -> int:
        """The identity as a 32-bit advisory-lock key (a collision only makes two saves wait)."""
        return int.from_bytes(hashlib.sha256(self.identity).digest()[:4], "big", signed=True)


class Duplicated(Exception):
    """A Unique condition failed: the rows its query found (the first column of each)."""

    def __init__(self, found: list[Any]) -> None:
        super().__init__(len(found))
        self.found = found


def views_json(views: Sequence[tuple[Any, ...]]) -> bytes:
    """Read-model rows as one JSON array, the document embedded as it is."""
    rows = []
    for row in views:
        fields = dict(zip(COLUMNS, row, strict=True))
        fields["doc"] = msgspec.Raw(fields["doc"].encode())
        if fields["sealed"] is not None:  # bytea in its text form
            fields["sealed"] = "\\x" + fields["sealed"].hex()
        rows.append(fields)
    return msgspec.json.encode(rows)


STORE_KEYS = (
    "INSERT INTO trainee_keys (trainee_id, wrapped, master_key_id)"
    " SELECT * FROM unnest(%s::uuid[], %s::bytea[], %s::text[])"
)
SELECT_WITH_KEY = (
    "SELECT e.originator_version, e.topic, e.state, k.trainee_id IS NOT NULL AS keyed,"
    " k.wrapped, k.master_key_id FROM traineeregister_events e"
    " LEFT JOIN trainee_keys k ON k.trainee_id = e.originator_id"
    " WHERE e.originator_id = %s ORDER BY e.originator_version"
)
"""A trainee's events with its data key, so loading a trainee is one round trip."""
DESTROY_KEYS = (
    "UPDATE trainee_keys SET wrapped = NULL, master_key_id = NULL, destroyed_at = now()"
    " WHERE trainee_id = ANY(%s::uuid[])"
)


def stored_with_key(keyring: Keyring, trainee_id: UUID, rows: Sequence[Any]) -> list[StoredEvent]:
    """A trainee's stored events from the rows of SELECT_WITH_KEY, its data key learnt."""
    if rows and rows[0]["keyed"]:
        keyring.learn([(trainee_id, rows[0]["wrapped"], rows[0]["master_key_id"])])
    return [
        StoredEvent(trainee_id, r["originator_version"], r["topic"], bytes(r["state"]))
        for r in rows
    ]


def numbered(statement: str) -> str:
    """A statement's %s placeholders as $1, $2... (the same statement for asyncpg)."""
    parts = statement.split("%s")
    return parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], start=1))


class InlineViewRecorder(PostgresApplicationRecorder):
    """Appends events and upserts the rows passed as `views=` to save(), in one statement
    (the trainees_save database function, migration 0009), which also stores the data keys
    made for these events and, with `unique=`, saves only when its check finds nothing
    (raising Duplicated otherwise). The keys of trainees passed as `erase=` are destroyed in
    the same transaction."""

    keyring: Keyring | None = None

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        views: Sequence[tuple[Any, ...]] = kwargs.get("views", ())
        unique: Unique | None = kwargs.get("unique")
        erase: Sequence[UUID] = kwargs.get("erase", ())
        keyring = self.keyring
        new_keys, args = save_arguments(stored_events, views, unique, keyring)
        params = (*args[:4], Json(args[4], dumps=str), *args[5:])
        try:
            with self.datastore.get_connection() as conn:
                try:
                    if not erase:
                        with conn.cursor() as curs:
                            curs.execute(SAVE, params, prepare=True)
                            return self._saved(curs, new_keys)
                    with conn.transaction(), conn.cursor() as curs:
                        curs.execute(SAVE, params, prepare=True)
                        ids = self._saved(curs, new_keys)
                        curs.execute(DESTROY_KEYS, (list(erase),))
                    return ids
                except psycopg.Error as error:
                    if error.sqlstate != DUPLICATE or unique is None:
                        raise
                self._duplicated(conn, unique)
        except (IntegrityError, Duplicated):
            if keyring is not None:  # nothing was stored: the next attempt starts afresh
                for trainee_id, *_ in new_keys:
                    keyring.forget(trainee_id)
            raise
        raise AssertionError("unreachable")

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        """All of a trainee's events with its data key in one query (other selections: the
        library's own query)."""
        if self.keyring is None or gt is not None or lte is not None or desc or limit:
            found: Sequence[StoredEvent] = super().select_events(
                originator_id, gt=gt, lte=lte, desc=desc, limit=limit
            )
            return found
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(SELECT_WITH_KEY, (originator_id,), prepare=True)
            rows = curs.fetchall()
        return stored_with_key(self.keyring, typing.cast(UUID, originator_id), rows)

    def _saved(self, curs: Any, new_keys: list[tuple[UUID, bytes, str]]) -> list[int]:
        ids = [row["trainees_save"] for row in curs.fetchall()]
        if self.keyring is not None:
            self.keyring.stored(trainee_id for trainee_id, *_ in new_keys)
        return ids

    def _duplicated(self, conn: Any, unique: Unique) -> typing.NoReturn:
        """The save found duplicates: raise Duplicated with their documents, opened."""
        with psycopg.RawCursor(conn) as check:
            check.adapters.register_loader("json", TextLoader)  # documents as text
            found = check.execute(unique.query, unique.args).fetchall()
        raise duplicated(self.keyring, [tuple(row.values()) for row in found])


def duplicated(keyring: Keyring | None, rows: Sequence[tuple[Any, ...]]) -> Duplicated:
    """What a failed unique= condition raises: the rows of its query, each opened to its
    document (without a keyring: the rows' first columns)."""
    if keyring is None:
        return Duplicated([row[0] for row in rows])
    return Duplicated([open_row(keyring, row) for row in rows])


def save_arguments(
    stored_events: Sequence[StoredEvent],
    views: Sequence[tuple[Any, ...]],
    unique: Unique | None,
    keyring: Keyring | None,
) -> tuple[list[tuple[UUID, bytes, str]], tuple[Any, ...]]:
    """The data keys these events need stored, and the ten arguments of trainees_save (the
    read-model rows as JSON text): one definition for the event store's recorder and the
    service's asynchronous writes."""
    trainee_ids = [typing.cast(UUID, e.originator_id) for e in stored_events]
    new_keys = keyring.pending(trainee_ids) if keyring else []
    keys: list[list[Any] | None] = [list(c) for c in zip(*new_keys, strict=True)] or [None] * 3
    return new_keys, (
        [e.originator_id for e in stored_events],
        [e.originator_version for e in stored_events],
        [e.topic for e in stored_events],
        [e.state for e in stored_events],
        views_json(views).decode(),
        *keys,
        unique.lock_key() if unique else None,
        [None if a is None else str(a) for a in unique.args] if unique else None,
    )
