"""Training providers and their API tokens (stored only as SHA-256 hashes)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import date

import asyncpg

TOKEN_PREFIX = "trainees_"


class AccountError(ValueError):
    """An operator command cannot be carried out; the message says why."""


@dataclass(frozen=True)
class Client:
    """The provider (and token) behind an authenticated API request."""

    provider_id: str
    ukprn: str
    token_id: str


def token_hash(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def add_provider(
    conn: asyncpg.Connection, name: str, ukprn: str, accreditation_id: str | None
) -> str:
    """Register a training provider; returns its id."""
    if not (len(ukprn) == 8 and ukprn.isdigit()):
        raise AccountError(f"UKPRN must be 8 digits, got {ukprn!r}")
    if not name.strip():
        raise AccountError("provider name must not be blank")
    provider_id = str(uuid.uuid4())
    try:
        await conn.execute(
            "INSERT INTO providers (id, name, ukprn, accreditation_id) VALUES ($1, $2, $3, $4)",
            provider_id,
            name.strip(),
            ukprn,
            accreditation_id,
        )
    except asyncpg.UniqueViolationError:
        raise AccountError(f"a provider with UKPRN {ukprn} already exists") from None
    return provider_id


async def issue_token(
    conn: asyncpg.Connection, ukprn: str, expires_on: date | None
) -> tuple[str, str]:
    """Create a token for the provider with this UKPRN; returns (token id, token)."""
    provider_id = await conn.fetchval(
        "SELECT id FROM providers WHERE ukprn = $1 AND discarded_at IS NULL", ukprn
    )
    if provider_id is None:
        raise AccountError(f"no provider with UKPRN {ukprn}")
    token = TOKEN_PREFIX + secrets.token_hex(32)
    token_id = secrets.token_hex(6)
    await conn.execute(
        "INSERT INTO api_tokens (id, provider_id, token_hash, expires_on) VALUES ($1, $2, $3, $4)",
        token_id,
        provider_id,
        token_hash(token),
        expires_on,
    )
    return token_id, token


async def revoke_token(conn: asyncpg.Connection, token_id: str) -> None:
    """Revoke a token (a provider's or an auditor's) by its id; refuses an unknown or already
    revoked token."""
    from service.audit.tokens import revoke_audit_token

    status = await conn.execute(
        "UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", token_id
    )
    if status == "UPDATE 0" and not await revoke_audit_token(conn, token_id):
        raise AccountError(f"no active token with id {token_id}")


def bearer(header: str | None) -> str | None:
    """The token in an Authorization header: `Bearer <token>` or the bare token."""
    if not header:
        return None
    value = header[7:] if header.startswith("Bearer ") else header
    return value.strip() or None


_AUTHENTICATE = """
UPDATE api_tokens t SET last_used_on = CURRENT_DATE
  FROM providers p
 WHERE t.token_hash = $1 AND p.id = t.provider_id
   AND t.revoked_at IS NULL AND p.discarded_at IS NULL
   AND (t.expires_on IS NULL OR t.expires_on > CURRENT_DATE)
RETURNING p.id::text AS provider_id, p.ukprn, t.id AS token_id
"""
_AUTHENTICATE_READ = """
SELECT p.id::text AS provider_id, p.ukprn, t.id AS token_id, t.last_used_on
  FROM api_tokens t JOIN providers p ON p.id = t.provider_id
 WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND p.discarded_at IS NULL
   AND (t.expires_on IS NULL OR t.expires_on > CURRENT_DATE)
"""


async def authenticate(
    pool: asyncpg.Pool,
    header: str | None,
    checked: tuple[Client | None, date | None] | None = None,
) -> Client | None:
    """The client a token belongs to, or None when it is missing, unknown, revoked or expired.
    `checked` is what the rate limiter's statement already found for this token, if it ran."""
    token = bearer(header)
    if token is None:
        return None
    if checked is None:
        row = await pool.fetchrow(_AUTHENTICATE_READ, token_hash(token))
        if row is None:
            return None
        found = Client(provider_id=row["provider_id"], ukprn=row["ukprn"], token_id=row["token_id"])
        checked = found, row["last_used_on"]
    client, last_used_on = checked
    if client is not None and last_used_on != date.today():  # recorded at most once a day
        await pool.execute(_AUTHENTICATE, token_hash(token))
    return client
