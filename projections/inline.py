"""A recorder that writes the trainee read model in the same transaction as the events."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Composed, Identifier

from projections.trainee_view import COLUMNS

_UPDATES = ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS if c != "id")


def upsert_statement(table: str) -> Composed:
    """Insert or replace a trainee row, never going back to an older version."""
    placeholders = ", ".join("%s::json" if c == "doc" else "%s" for c in COLUMNS)
    return SQL(
        "INSERT INTO {table} (" + ", ".join(COLUMNS) + ") VALUES (" + placeholders + ") "
        "ON CONFLICT (id) DO UPDATE SET " + _UPDATES + " WHERE {table}.version < EXCLUDED.version"
    ).format(table=Identifier(table))


class InlineViewRecorder(PostgresApplicationRecorder):
    """Writes the rows passed as `views=` to save() before the events, in one transaction."""

    read_model_table = "trainees"

    def _insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        views: Sequence[tuple[Any, ...]] = kwargs.get("views", ())
        if views:
            curs.executemany(upsert_statement(self.read_model_table), views)
        super()._insert_events(curs, stored_events, **kwargs)
