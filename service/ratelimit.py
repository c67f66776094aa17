"""Request rate limiting shared by every API replica: fixed windows counted in PostgreSQL.

Each client (a token, by its hash; else the client IP address) has one row holding the index
of its current window (epoch seconds // window length, on the database clock, so every replica
agrees) and the hits in it. One statement upserts the row: in the same window it adds the hits
asked for, in a later window it starts the count again. The row lock taken by the upsert makes
concurrent statements of one client count exactly; different clients never wait for each other.
The same statement returns the seconds left in the window (the Retry-After) and the client the
token authenticates (for the access log, and so that authentication needs no query of its own).

A replica does not run that statement for every request: it leases hits. A lease is a number of
requests the statement has already counted for the client, handed out from memory, together with
the statement's authentication, for at most `LEASE_SECONDS` and never past the window. Every
request served was counted in the database before it was served, so all replicas together never
let a client past its limit. A lease is a sixteenth of what is left of the limit, at most
`lease_max` requests: near the limit (and for small limits) every request is one statement,
counted exactly as before; far from it, one statement in up to `lease_max` requests. Hits leased
and not used are lost with the lease; they can only make a client meet its limit a little early
when it spreads its requests over replicas. A change to a token or its provider (revoked,
expired, discarded) is announced on the `trainees_tokens` channel, and every replica drops its
leases on hearing it (service/changes.py); a lease whose statement ran while a change was heard
serves its own request only. A replica hands leases out only while it listens on that channel:
when its listening connection is lost (the database restarting, say), every request is counted
and authenticated in the database again until it listens once more. A lease ends within
`LEASE_SECONDS` in any case.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import asyncpg

from service.accounts import Client, bearer, token_hash
from service.changes import TOKENS, Changes
from service.outages import ANY_DATABASE_ERROR

LEASE_SECONDS = 5.0  # a lease, and the authentication it carries, lasts at most this long
LEASE_SHARE = 16  # a lease takes at most this fraction of what is left of the limit
_KEEP = 10_000  # leases kept before the ended ones are dropped

_HIT = """
WITH now AS (SELECT extract(epoch FROM clock_timestamp()) AS s),
hit AS (
    INSERT INTO rate_limit_counters AS c (key, window_start, hits)
    SELECT $1, floor(now.s / $2)::bigint, $4 FROM now
    ON CONFLICT (key) DO UPDATE
       SET hits = CASE WHEN EXCLUDED.window_start > c.window_start THEN EXCLUDED.hits
                       ELSE c.hits + EXCLUDED.hits END,
           window_start = greatest(c.window_start, EXCLUDED.window_start)
    RETURNING hits, window_start
)
SELECT hit.hits,
       greatest(0.001, (hit.window_start + 1) * $2 - now.s)::float8 AS seconds_left,
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


class Verdict(NamedTuple):
    """The outcome of counting one request (a tuple: one is made for every request)."""

    allowed: bool
    retry_after: int  # seconds to the next window
    hits: int  # the client's requests in the window, as far as this replica knows
    provider_id: str | None
    client: Client | None = None  # the token's client when the token is valid
    last_used_on: date | None = None


@dataclass
class _Lease:
    """Requests counted in the database and not yet handed out, with what the count found."""

    units: int  # left to hand out
    counted: int  # the client's hits in the window once this lease's were added
    ends: float  # monotonic time the lease ends (its life or the window, whichever is first)
    window_ends: float
    client: Client | None
    last_used_on: date | None

    def take(self, now: float) -> Verdict:
        self.units -= 1
        verdict = Verdict(
            allowed=True,
            retry_after=max(1, math.ceil(self.window_ends - now)),
            hits=self.counted - self.units,
            provider_id=self.client.provider_id if self.client else None,
            client=self.client,
            last_used_on=self.last_used_on,
        )
        self.last_used_on = date.today()  # the request records the day it used its token
        return verdict


def client_key(authorization: str | None, client_ip: str | None) -> tuple[str, str | None]:
    """The counter key of a request and its token hash: the token when sent, else the IP."""
    token = bearer(authorization)
    if token is not None:
        digest = token_hash(token)
        return "token:" + digest, digest
    return "ip:" + (client_ip or "unknown"), None


class Limiter:
    """One replica's side of the shared limit: its leases, and the statement that takes them."""

    def __init__(
        self, limit: int, window: int, lease_max: int, timeout: float, changes: Changes
    ) -> None:
        self.limit, self.window, self.lease_max, self.timeout = limit, window, lease_max, timeout
        self.changes = changes  # leases are handed out only while changes can be heard
        changes.on(TOKENS, self.forget)
        self._leases: dict[str, _Lease] = {}
        self._asking: dict[str, asyncio.Event] = {}  # clients whose lease is being taken

    @property
    def held(self) -> int:
        """Leases held now (some may have ended)."""
        return len(self._leases)

    def forget(self) -> None:
        """Drop every lease: the next request of each client is counted in the database."""
        self._leases.clear()

    async def hit(self, pool: asyncpg.Pool, key: str, digest: str | None) -> Verdict:
        """Count one request of a client and say whether it is within the limit."""
        while True:
            now = time.monotonic()
            lease = self._leases.get(key)
            listening = self.changes.listening
            if lease is not None and lease.units > 0 and now < lease.ends and listening:
                return lease.take(now)
            asking = self._asking.get(key)
            if asking is None:
                break
            await asking.wait()  # one statement at a time per client: its lease serves all
        self._asking[key] = done = asyncio.Event()
        try:
            return await self._count(pool, key, digest, lease, now)
        finally:
            del self._asking[key]
            done.set()

    def _ask(self, previous: _Lease | None, now: float) -> int:
        """How many hits to count at once: a share of what is left of the limit (one while
        no lease may be handed out)."""
        if not self.changes.listening:
            return 1
        counted = previous.counted if previous is not None and now < previous.window_ends else 0
        return max(1, min(self.lease_max, (self.limit - counted) // LEASE_SHARE))

    async def _count(
        self, pool: asyncpg.Pool, key: str, digest: str | None, previous: _Lease | None, now: float
    ) -> Verdict:
        ask, forgotten = self._ask(previous, now), self.changes.forgotten
        (hits, seconds_left, provider_id, ukprn, token_id, last_used_on), *_ = await pool.fetch(
            _HIT, key, self.window, digest, ask, timeout=self.timeout
        )  # an upsert with RETURNING always yields its one row
        client = Client(provider_id, ukprn, token_id) if provider_id is not None else None
        before = hits - ask
        granted = max(0, min(ask, self.limit - before))
        now = time.monotonic()
        window_ends = now + seconds_left
        if granted == 0:
            self._leases.pop(key, None)
            retry = max(1, math.ceil(seconds_left))
            return Verdict(False, retry, hits, provider_id, client, last_used_on)
        if self.changes.forgotten != forgotten:  # a change heard meanwhile: this request only
            self._leases.pop(key, None)
            retry = max(1, math.ceil(seconds_left))
            return Verdict(True, retry, before + 1, provider_id, client, last_used_on)
        if len(self._leases) >= _KEEP:  # drop the ended leases, or all if most still run
            kept = {k: v for k, v in self._leases.items() if v.ends > now}
            self._leases = kept if len(kept) <= _KEEP // 2 else {}
        lease = _Lease(
            units=granted,
            counted=before + granted,
            ends=min(now + LEASE_SECONDS, window_ends),
            window_ends=window_ends,
            client=client,
            last_used_on=last_used_on,
        )
        self._leases[key] = lease
        return lease.take(now)


async def sweep(pool: asyncpg.Pool, window: int, every: float) -> None:
    """Delete the counters of clients idle for a whole window, forever (a background task)."""
    while True:
        await asyncio.sleep(every)
        try:
            await pool.execute(_SWEEP, window)
        except ANY_DATABASE_ERROR:
            continue  # the database is away; try again next time
