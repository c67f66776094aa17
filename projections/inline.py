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

APPEND = "SELECT trainees_append(%s::uuid[], %s::bigint[], %s::text[], %s::bytea[], %s::json)"
IDENTITY_LOCK = "SELECT set_config('lock_timeout', '5s', true), pg_advisory_xact_lock(%s, %s)"
IDENTITY_LOCKS = 1_207_001  # the advisory-lock space of record identities (first key)


@dataclass(frozen=True)
class Unique:
    """A condition on saving a new aggregate: `query` (with $n placeholders) finds no row.

    It runs in the saving transaction after a transaction-scoped advisory lock on `identity`,
    so two saves of the same identity check one after the other, each seeing the other's rows.
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
DESTROY_KEYS = (
    "UPDATE trainee_keys SET wrapped = NULL, master_key_id = NULL, destroyed_at = now()"
    " WHERE trainee_id = ANY(%s::uuid[])"
)


class InlineViewRecorder(PostgresApplicationRecorder):
    """Appends events and upserts the rows passed as `views=` to save(), in one statement
    (the trainees_append database function, migration 0004); with `unique=`, only when its
    check finds nothing (raising Duplicated otherwise). The data keys made for these events are
    stored, and those of trainees passed as `erase=` destroyed, in the same transaction."""

    keyring: Keyring | None = None

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        views: Sequence[tuple[Any, ...]] = kwargs.get("views", ())
        params = (
            [e.originator_id for e in stored_events],
            [e.originator_version for e in stored_events],
            [e.topic for e in stored_events],
            [e.state for e in stored_events],
            Json(views_json(views), dumps=bytes.decode),
        )
        unique: Unique | None = kwargs.get("unique")
        erase: Sequence[UUID] = kwargs.get("erase", ())
        keyring = self.keyring
        trainee_ids = [typing.cast(UUID, e.originator_id) for e in stored_events]
        new_keys = keyring.pending(trainee_ids) if keyring else []
        try:
            with self.datastore.get_connection() as conn:
                if unique is None and not new_keys and not erase:
                    with conn.cursor() as curs:
                        curs.execute(APPEND, params, prepare=True)
                        return [row["trainees_append"] for row in curs.fetchall()]
                with conn.transaction(), conn.cursor() as curs:
                    if unique is not None:
                        self._check(conn, curs, unique)
                    if new_keys:
                        columns = [list(column) for column in zip(*new_keys, strict=True)]
                        curs.execute(STORE_KEYS, columns)
                    curs.execute(APPEND, params, prepare=True)
                    ids = [row["trainees_append"] for row in curs.fetchall()]
                    if erase:
                        curs.execute(DESTROY_KEYS, (list(erase),))
        except IntegrityError:
            if keyring is not None:  # nothing was stored: the next attempt starts afresh
                for trainee_id, *_ in new_keys:
                    keyring.forget(trainee_id)
            raise
        if keyring is not None:
            keyring.stored(trainee_id for trainee_id, *_ in new_keys)
        return ids

    def _check(self, conn: Any, curs: Any, unique: Unique) -> None:
        """Lock the record's identity, then refuse the save if the check finds rows (their
        documents, opened, go with Duplicated)."""
        curs.execute(IDENTITY_LOCK, (IDENTITY_LOCKS, unique.lock_key()))
        with psycopg.RawCursor(conn) as check:
            check.adapters.register_loader("json", TextLoader)  # documents as text
            found = check.execute(unique.query, unique.args).fetchall()
        if found:
            if self.keyring is None:
                raise Duplicated([next(iter(row.values())) for row in found])
            raise Duplicated([open_row(self.keyring, tuple(row.values())) for row in found])
