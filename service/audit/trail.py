"""The audit trail across trainees: the audit log filtered within a token's scope, in pages
behind an opaque cursor, or streamed whole as CSV or JSON Lines in constant memory."""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
from collections.abc import AsyncIterator
from dataclasses import astuple, dataclass
from datetime import datetime
from typing import Any

import asyncpg
import msgspec

from service.audit.tokens import Auditor

COLUMNS = (
    "position",
    "trainee_id",
    "event",
    "at",
    "ukprn",
    "actor_type",
    "provider_id",
    "token_id",
    "api_version",
    "request_id",
)
_SELECT = """
SELECT a.notification_id, a.trainee_slug, a.event, a.occurred_at, p.ukprn, a.source,
       a.provider_id, a.token_id, a.api_version, a.request_id
  FROM audit_log a JOIN trainees t ON t.id = a.trainee_id JOIN providers p ON p.id = t.provider_id
 WHERE a.notification_id > $1 AND ($2::uuid[] IS NULL OR t.provider_id = ANY($2::uuid[]))
   AND ($3::text IS NULL OR p.ukprn = $3) AND ($4::timestamptz IS NULL OR a.occurred_at >= $4)
   AND ($5::timestamptz IS NULL OR a.occurred_at < $5) AND ($6::text IS NULL OR a.event = $6)
   AND ($7::text IS NULL OR a.token_id = $7)
 ORDER BY a.notification_id
"""


class BadCursor(ValueError):
    """A cursor this query did not hand out."""


@dataclass(frozen=True)
class TrailQuery:
    """The filters of GET /audit/v1/events."""

    ukprn: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    event: str | None = None
    token_id: str | None = None

    def fingerprint(self, auditor: Auditor) -> str:
        """What a cursor is bound to: these filters, asked by this token."""
        text = msgspec.json.encode([auditor.token_id, *map(str, astuple(self))])
        return hashlib.sha256(text).hexdigest()[:16]

    def args(self, auditor: Auditor, after: int) -> list[Any]:
        return [after, auditor.scope, self.ukprn, self.since, self.until, self.event, self.token_id]


def cursor(query: TrailQuery, auditor: Auditor, position: int) -> str:
    """The opaque cursor for the page after this position."""
    raw = msgspec.json.encode([position, query.fingerprint(auditor)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def position_of(text: str, query: TrailQuery, auditor: Auditor) -> int:
    """The position a cursor stands for; BadCursor when it is not this query's."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        position, fingerprint = msgspec.json.decode(raw, type=tuple[int, str])
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise BadCursor("after is not a cursor this API handed out") from None
    if fingerprint != query.fingerprint(auditor) or position < 0:
        raise BadCursor("after is a cursor of another query: repeat the query it came from")
    return position


def entry(row: asyncpg.Record) -> dict[str, Any]:
    """One trail row as the API renders it."""
    return {
        "position": row[0],
        "trainee_id": row[1],
        "event": row[2],
        "at": row[3].isoformat(),
        "ukprn": row[4],
        "actor_type": "provider" if row[5] == "api" else row[5],
        "provider_id": row[6],
        "token_id": row[7],
        "api_version": row[8],
        "request_id": row[9],
    }


async def page(
    pool: asyncpg.Pool, query: TrailQuery, auditor: Auditor, after: int, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """Up to `limit` entries after the position, and the position to continue from (None at
    the end)."""
    rows = await pool.fetch(_SELECT + " LIMIT $8", *query.args(auditor, after), limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return [entry(r) for r in rows], (rows[-1][0] if more else None)


def _csv_line(values: list[Any]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(["" if v is None else v for v in values])
    return out.getvalue().encode()


async def export(
    pool: asyncpg.Pool, query: TrailQuery, auditor: Auditor, after: int, fmt: str
) -> AsyncIterator[bytes]:
    """Every matching entry, read through a server-side cursor in one snapshot."""
    if fmt == "csv":
        yield _csv_line(list(COLUMNS))
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        buffer: list[bytes] = []
        async for row in conn.cursor(_SELECT, *query.args(auditor, after), prefetch=1000):
            item = entry(row)
            if fmt == "csv":
                buffer.append(_csv_line([item[c] for c in COLUMNS]))
            else:
                buffer.append(msgspec.json.encode(item) + b"\n")
            if len(buffer) >= 500:
                yield b"".join(buffer)
                buffer.clear()
        if buffer:
            yield b"".join(buffer)
