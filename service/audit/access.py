"""The record of audit use: which token looked at which trainee (or ran which query), when."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg

from service.audit.tokens import Auditor


async def record(
    pool: asyncpg.Pool,
    auditor: Auditor,
    action: str,
    *,
    trainee: tuple[UUID, str] | None = None,
    detail: Mapping[str, Any] | None = None,
    request_id: str | None = None,
) -> None:
    """Record one use of an audit token."""
    shown = "&".join(f"{k}={v}" for k, v in (detail or {}).items() if v not in (None, ""))
    await pool.execute(
        "INSERT INTO audit_access (token_id, trainee_id, trainee_slug, action, detail, request_id)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        auditor.token_id,
        trainee[0] if trainee else None,
        trainee[1] if trainee else None,
        action,
        shown or None,
        request_id,
    )


async def uses(
    conn: asyncpg.Connection,
    *,
    token_id: str | None = None,
    trainee_id: UUID | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[asyncpg.Record]:
    """The newest recorded uses matching the filters, newest first."""
    return await conn.fetch(
        "SELECT a.at, a.token_id, t.name, a.trainee_slug, a.action, a.detail, a.request_id"
        " FROM audit_access a LEFT JOIN audit_tokens t ON t.id = a.token_id"
        " WHERE ($1::text IS NULL OR a.token_id = $1) AND ($2::uuid IS NULL OR a.trainee_id = $2)"
        " AND ($3::timestamptz IS NULL OR a.at >= $3) ORDER BY a.id DESC LIMIT $4",
        token_id,
        trainee_id,
        since,
        limit,
    )
