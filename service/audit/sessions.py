"""Sessions of the auditors' web page: a random id in an HttpOnly, SameSite=Strict cookie,
stored hashed with the session's CSRF token; signing out deletes the row."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass

import asyncpg

from service.accounts import token_hash
from service.audit.tokens import Auditor, auditor_by_id

COOKIE = "audit_session"
LOGIN_COOKIE = "audit_login"  # the sign-in form's CSRF token (double submit)
HOURS = 8


@dataclass(frozen=True)
class Session:
    """A signed-in auditor and the CSRF token their forms carry."""

    auditor: Auditor
    csrf: str


async def open_session(pool: asyncpg.Pool, auditor: Auditor) -> tuple[str, str]:
    """Start a session for the auditor: (the cookie's value, its CSRF token)."""
    value, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    await pool.execute(
        "INSERT INTO audit_sessions (id_hash, token_id, csrf, expires_at)"
        f" VALUES ($1, $2, $3, now() + interval '{HOURS} hours')",
        token_hash(value),
        auditor.token_id,
        csrf,
    )
    await pool.execute("DELETE FROM audit_sessions WHERE expires_at < now()")
    return value, csrf


async def session(pool: asyncpg.Pool, cookie: str | None) -> Session | None:
    """The live session a cookie names (its token still valid), or None."""
    if not cookie or len(cookie) > 100:
        return None
    row = await pool.fetchrow(
        "SELECT token_id, csrf FROM audit_sessions WHERE id_hash = $1 AND expires_at > now()",
        token_hash(cookie),
    )
    if row is None:
        return None
    auditor = await auditor_by_id(pool, row["token_id"])
    return Session(auditor, row["csrf"]) if auditor else None


async def close_session(pool: asyncpg.Pool, cookie: str) -> None:
    """End the session (signing out)."""
    await pool.execute("DELETE FROM audit_sessions WHERE id_hash = $1", token_hash(cookie))


def same(a: str | None, b: str | None) -> bool:
    """Whether two CSRF tokens match (in constant time)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))
