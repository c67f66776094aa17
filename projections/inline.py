"""A recorder that writes the trainee read model in the same transaction as the events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.types.json import Json

from projections.trainee_view import COLUMNS

APPEND = "SELECT trainees_append(%s::uuid[], %s::bigint[], %s::text[], %s::bytea[], %s::json)"


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
    (the trainees_append database function, migration 0004)."""

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
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(APPEND, params, prepare=True)
            return [row["trainees_append"] for row in curs.fetchall()]
