"""Request rate limiting shared by every API replica: fixed windows counted in PostgreSQL.

Each client (a token, by its hash; else the client IP address) has one row holding the index
of its current window (epoch seconds // window length, on the database clock, so every replica
agrees) and the hits in it. One statement per request upserts the row: a hit in the same window
adds one, a hit in a later window starts the count again at one. The row lock taken by the
upsert makes concurrent hits of one client count exactly; different clients never wait for each
other. The same statement returns the seconds left in the window (the Retry-After) and the
client the token authenticates (for the access log, and so that authentication needs no query
of its own), so a request costs one round trip.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

import asyncpg

from service.accounts import Client, bearer, token_hash
from service.outages import ANY_DATABASE_ERROR

_HIT = """
WITH now AS (SELECT extract(epoch FROM clock_timestamp()) AS s),
hit AS (
    INSERT INTO rate_limit_counters AS c (key, window_start, hits)
    SELECT $1, floor(now.s / $2)::bigint, 1 FROM now
    ON CONFLICT (key) DO UPDATE
       SET hits = CASE WHEN EXCLUDED.window_start > c.window_start THEN 1 ELSE c.hits + 1 END,
           window_start = greatest(c.window_start, EXCLUDED.window_start)
    RETURNING hits, window_start
)
SELECT hit.hits,
       greatest(1, ceil((hit.window_start + 1) * $2 - now.s))::int AS retry_after,
       valid.provider_id, valid.ukprn, valid.token_id, valid.last_used_on
  FROM hit CROSS JOIN now
  LEFT JOIN LATERAL (
      SELECT p.id::text AS provider_id, p.ukprn, t.id AS token_id, t.last_used_on
        FROM api_tokens t JOIN providers p ON p.id = t.provider_id
       WHERE t.token_hash = $3 AND t.revoked_at IS NULL AND p.discarded_at IS NULL
         AND (t.expires_on IS NULL OR t.expires_on > CURRENT_DATE)
  ) valid ON true
"""
_SWEEP = """
DELETE FROM rate_limit_counters
 WHERE window_start < floor(extract(epoch FROM clock_timestamp()) / $1)::bigint - 1
"""


@dataclass(frozen=True)
class Verdict:
    """The outcome of counting one request."""

    allowed: bool
    retry_after: int  # seconds to the next window
    hits: int
    provider_id: str | None
    client: Client | None = None  # the token's client when the token is valid
    last_used_on: date | None = None


def client_key(authorization: str | None, client_ip: str | None) -> tuple[str, str | None]:
    """The counter key of a request and its token hash: the token when sent, else the IP."""
    token = bearer(authorization)
    if token is not None:
        digest = token_hash(token)
        return "token:" + digest, digest
    return "ip:" + (client_ip or "unknown"), None


async def hit(
    pool: asyncpg.Pool, key: str, digest: str | None, limit: int, window: int, timeout: float
) -> Verdict:
    """Count one request of a client and say whether it is within the limit."""
    (hits, retry_after, provider_id, ukprn, token_id, last_used_on), *_ = await pool.fetch(
        _HIT, key, window, digest, timeout=timeout
    )  # an upsert with RETURNING always yields its one row
    client = Client(provider_id, ukprn, token_id) if provider_id is not None else None
    return Verdict(hits <= limit, retry_after, hits, provider_id, client, last_used_on)


async def sweep(pool: asyncpg.Pool, window: int, every: float) -> None:
    """Delete the counters of clients idle for a whole window, forever (a background task)."""
    while True:
        await asyncio.sleep(every)
        try:
            await pool.execute(_SWEEP, window)
        except ANY_DATABASE_ERROR:
            continue  # the database is away; try again next time
