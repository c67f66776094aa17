"""A recorder that writes the trainee read model in the same transaction as the events."""

from __future__ import annotations

import typing
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.types.json import Json

from projections.trainee_view import COLUMNS
from service.keyring import Keyring

APPEND = "SELECT trainees_append(%s::uuid[], %s::bigint[], %s::text[], %s::bytea[], %s::json)"


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
    (the trainees_append database function, migration 0004). The data keys made for these
    events are stored, and those of trainees passed as `erase=` destroyed, in the same
    transaction."""

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
        erase: Sequence[UUID] = kwargs.get("erase", ())
        keyring = self.keyring
        trainee_ids = [typing.cast(UUID, e.originator_id) for e in stored_events]
        new_keys = keyring.pending(trainee_ids) if keyring else []
        if not new_keys and not erase:
            with self.datastore.get_connection() as conn, conn.cursor() as curs:
                curs.execute(APPEND, params, prepare=True)
                return [row["trainees_append"] for row in curs.fetchall()]
        try:
            with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
                if new_keys:
                    curs.execute(
                        STORE_KEYS, [list(column) for column in zip(*new_keys, strict=True)]
                    )
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
