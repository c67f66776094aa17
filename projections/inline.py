"""A recorder that writes the trainee read model in the same transaction as the events."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.types.json import Json
from psycopg.types.string import TextLoader

from projections.trainee_view import COLUMNS

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
        rows.append(fields)
    return msgspec.json.encode(rows)


class InlineViewRecorder(PostgresApplicationRecorder):
    """Appends events and upserts the rows passed as `views=` to save(), in one statement
    (the trainees_append database function, migration 0004); with `unique=`, only when its
    check finds nothing (raising Duplicated otherwise)."""

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
        with self.datastore.get_connection() as conn:
            if unique is None:
                with conn.cursor() as curs:
                    curs.execute(APPEND, params, prepare=True)
                    return [row["trainees_append"] for row in curs.fetchall()]
            with conn.transaction(), conn.cursor() as curs:
                curs.execute(IDENTITY_LOCK, (IDENTITY_LOCKS, unique.lock_key()))
                with psycopg.RawCursor(conn) as check:
                    check.adapters.register_loader("json", TextLoader)  # documents as text
                    found = check.execute(unique.query, unique.args).fetchall()
                if found:
                    raise Duplicated([next(iter(row.values())) for row in found])
                curs.execute(APPEND, params, prepare=True)
                return [row["trainees_append"] for row in curs.fetchall()]
