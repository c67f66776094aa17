"""Audit tokens: read-only access to the audit API and page, scoped to some providers or all."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

import asyncpg

from service.accounts import AccountError, bearer, token_hash

AUDIT_TOKEN_PREFIX = "trainees_audit_"


@dataclass(frozen=True)
class Auditor:
    """The audit token behind a request, and the providers it may see."""

    token_id: str
    name: str | None
    all_providers: bool
    provider_ids: frozenset[str]

    def sees(self, provider_id: str | None) -> bool:
        """Whether a trainee of this provider is within the token's scope."""
        return self.all_providers or (provider_id is not None and provider_id in self.provider_ids)

    @property
    def scope(self) -> list[str] | None:
        """The provider ids to filter by, or None for every provider."""
        return None if self.all_providers else sorted(self.provider_ids)


async def issue_audit_token(
    conn: asyncpg.Connection,
    ukprns: list[str],
    *,
    all_providers: bool,
    expires_on: date | None,
    name: str | None = None,
) -> tuple[str, str]:
    """Create an audit token for these providers (or all); returns (token id, token)."""
    if all_providers == bool(ukprns):
        raise AccountError("give either --ukprn (one or more) or --all-providers")
    rows = await conn.fetch(
        "SELECT id, ukprn FROM providers WHERE ukprn = ANY($1::text[]) AND discarded_at IS NULL",
        ukprns,
    )
    missing = sorted(set(ukprns) - {r["ukprn"] for r in rows})
    if missing:
        raise AccountError(f"no provider with UKPRN {', '.join(missing)}")
    token = AUDIT_TOKEN_PREFIX + secrets.token_hex(32)
    token_id = "audit-" + secrets.token_hex(6)
    async with conn.transaction():
        await conn.execute(
            "INSERT INTO audit_tokens (id, token_hash, name, all_providers, expires_on)"
            " VALUES ($1, $2, $3, $4, $5)",
            token_id,
            token_hash(token),
            name,
            all_providers,
            expires_on,
        )
        await conn.executemany(
            "INSERT INTO audit_token_providers (token_id, provider_id) VALUES ($1, $2)",
            [(token_id, r["id"]) for r in rows],
        )
    return token_id, token


async def revoke_audit_token(conn: asyncpg.Connection, token_id: str) -> bool:
    """Revoke an audit token and end its sessions; False when there is no such active token."""
    status = await conn.execute(
        "UPDATE audit_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", token_id
    )
    await conn.execute("DELETE FROM audit_sessions WHERE token_id = $1", token_id)
    return status != "UPDATE 0"


_AUDITOR = """
SELECT t.id, t.name, t.all_providers,
       coalesce(array_agg(p.provider_id::text) FILTER (WHERE p.provider_id IS NOT NULL), '{{}}')
           AS providers
  FROM audit_tokens t LEFT JOIN audit_token_providers p ON p.token_id = t.id
 WHERE {condition} AND t.revoked_at IS NULL
   AND (t.expires_on IS NULL OR t.expires_on > CURRENT_DATE)
 GROUP BY t.id
"""


def _auditor(row: asyncpg.Record | None) -> Auditor | None:
    if row is None:
        return None
    return Auditor(row["id"], row["name"], row["all_providers"], frozenset(row["providers"]))


async def authenticate_auditor(pool: asyncpg.Pool, header: str | None) -> Auditor | None:
    """The auditor an Authorization header's token belongs to, or None (missing, unknown,
    revoked, expired, or a provider's token)."""
    token = bearer(header)
    if token is None:
        return None
    return _auditor(
        await pool.fetchrow(_AUDITOR.format(condition="t.token_hash = $1"), token_hash(token))
    )


async def auditor_by_id(pool: asyncpg.Pool, token_id: str) -> Auditor | None:
    """The auditor of a still valid token, by the token's id."""
    return _auditor(await pool.fetchrow(_AUDITOR.format(condition="t.id = $1"), token_id))
