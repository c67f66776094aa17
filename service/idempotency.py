"""Idempotent retries: a write sent with an Idempotency-Key is applied once, per token.

The first request with a key claims it (a row in `idempotency_keys`, shared by every replica
through PostgreSQL), runs, and stores its answer; a repeat with the same key and the same request
gets that answer again without running, a repeat with another request is refused (422), and a
repeat while the first still runs is told to retry (409). Answers are kept 24 hours.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import asyncpg
import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, ReceiveMessage, Scope, Send

from service.accounts import bearer, token_hash
from service.outages import ANY_DATABASE_ERROR, DATABASE_DOWN

log = logging.getLogger("trainees.idempotency")

METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEPT_HOURS = 24
NOT_KEPT = frozenset({401, 408, 413, 429})  # not the request's outcome: a retry may do better
KEPT_HEADERS = (b"content-type", b"etag")

_CLAIM = """
INSERT INTO idempotency_keys AS k (token_hash, key, fingerprint, started_at, expires_at)
VALUES ($1, $2, $3, clock_timestamp(), clock_timestamp() + make_interval(hours => $5))
ON CONFLICT (token_hash, key) DO UPDATE
   SET fingerprint = EXCLUDED.fingerprint, started_at = EXCLUDED.started_at,
       expires_at = EXCLUDED.expires_at, status = NULL, headers = NULL, body = NULL
 WHERE k.expires_at <= clock_timestamp()
    OR (k.status IS NULL AND k.fingerprint = EXCLUDED.fingerprint
        AND k.started_at < clock_timestamp() - make_interval(secs => $4))
RETURNING started_at
"""
_FOUND = """
SELECT fingerprint, status, headers, body FROM idempotency_keys
 WHERE token_hash = $1 AND key = $2 AND expires_at > clock_timestamp()
"""
_FINISH = """
UPDATE idempotency_keys SET status = $4, headers = $5, body = $6
 WHERE token_hash = $1 AND key = $2 AND started_at = $3
"""
_RELEASE = "DELETE FROM idempotency_keys WHERE token_hash = $1 AND key = $2 AND started_at = $3"
_SWEEP = "DELETE FROM idempotency_keys WHERE expires_at <= clock_timestamp()"


def _error(kind: str, message: str) -> bytes:
    return msgspec.json.encode({"errors": [{"error": kind, "message": message}]})


BAD_KEY = _error("BadRequest", "Idempotency-Key must be 1 to 255 printable ASCII characters")
REUSED = _error(
    "UnprocessableEntity",
    "This Idempotency-Key was already used for a different request; send a new key with a"
    " new request",
)
RUNNING = _error(
    "Conflict", "A request with this Idempotency-Key is still being processed; retry later"
)
UNAVAILABLE = _error("ServiceUnavailable", "The service is busy; try again in a few seconds")


@dataclass(frozen=True)
class Answer:
    """A stored answer: status, the kept headers and the body."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass(frozen=True)
class Claimed:
    """This request holds the key (since `started_at`): it runs and stores its answer."""

    started_at: Any


def key_of(header: str) -> str | None:
    """The key sent (a bare token or a quoted string); None when it is unusable."""
    key = header.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not 0 < len(key) <= 255 or not all(" " <= c <= "~" for c in key):
        return None
    return key


def fingerprint(scope: HTTPScope, body: bytes) -> bytes:
    """What makes two requests the same request: method, path, query and body."""
    h = hashlib.sha256()
    for part in (scope["method"].encode(), scope["path"].encode(), scope["query_string"], body):
        h.update(len(part).to_bytes(8, "big") + part)
    return h.digest()


async def claim(
    pool: asyncpg.Pool, token: str, key: str, sent: bytes, lease: float
) -> Claimed | Answer | bytes:
    """Claim the key for this request, or what a repeat is answered: the stored answer, or the
    body of a 422 (another request) or 409 (the first still runs) as bytes."""
    for _ in range(3):  # a claim released between our two statements is claimed again
        started = await pool.fetchval(_CLAIM, token, key, sent, lease, KEPT_HOURS)
        if started is not None:
            return Claimed(started)
        row = await pool.fetchrow(_FOUND, token, key)
        if row is None:
            continue
        if bytes(row["fingerprint"]) != sent:
            return REUSED
        if row["status"] is None:
            return RUNNING
        headers = msgspec.json.decode(row["headers"])
        kept = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        return Answer(row["status"], kept, bytes(row["body"]))
    return RUNNING


async def sweep(pool: asyncpg.Pool, every: float) -> None:
    """Delete the answers past their 24 hours, forever (a background task)."""
    while True:
        await asyncio.sleep(every)
        try:
            await pool.execute(_SWEEP)
        except ANY_DATABASE_ERROR:
            continue  # the database is away; try again next time


async def _answer(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    length = (b"content-length", str(len(body)).encode())
    await send({"type": "http.response.start", "status": status, "headers": [*headers, length]})
    await send({"type": "http.response.body", "body": body, "more_body": False})


JSON = [(b"content-type", b"application/json")]


class Idempotency:
    """ASGI middleware: POST, PUT, PATCH and DELETE under /api with an Idempotency-Key."""

    def __init__(self, app: ASGIApp, max_body: int, lease: float, too_large: bytes) -> None:
        self.app = app
        self.max_body = max_body
        self.lease = lease  # seconds after which a claim whose request never finished is free
        self.too_large = too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        header = _header(scope, b"idempotency-key")
        token = bearer(_header(scope, b"authorization")) if header is not None else None
        if (
            header is None
            or token is None  # answered 401: nothing to remember
            or scope["method"] not in METHODS
            or not scope["path"].startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        key = key_of(header)
        if key is None:
            await _answer(send, 400, BAD_KEY, JSON)
            return
        try:
            body = await _read(receive, self.max_body)
        except ClientGone:
            return  # nobody is there to answer
        if body is None:
            await _answer(send, 413, self.too_large, JSON)
            return
        await self._once(scope, receive, send, token_hash(token), key, body)

    async def _once(
        self, scope: HTTPScope, receive: Receive, send: Send, token: str, key: str, body: bytes
    ) -> None:
        pool = scope["app"].state.read_pool
        try:
            found = await claim(pool, token, key, fingerprint(scope, body), self.lease)
        except DATABASE_DOWN as exc:
            log.warning("database unavailable", extra={"error": type(exc).__name__})
            await _answer(send, 503, UNAVAILABLE, JSON)
            return
        if isinstance(found, Answer):
            replayed = [*found.headers, (b"idempotent-replayed", b"true")]
            await _answer(send, found.status, found.body, replayed)
            return
        if isinstance(found, bytes):
            status, extra = (422, []) if found is REUSED else (409, [(b"retry-after", b"1")])
            await _answer(send, status, found, [*JSON, *extra])
            return
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        try:
            await self.app(scope, _replay(body, receive), keep)
        finally:
            await self._settle(pool, token, key, found, messages)
        for message in messages:
            await send(message)

    async def _settle(
        self, pool: asyncpg.Pool, token: str, key: str, claimed: Claimed, messages: list[Message]
    ) -> None:
        """Store the answer, or free the key when the answer is not the request's outcome (a
        5xx, a 429...), so that a retry runs again."""
        start = next((m for m in messages if m["type"] == "http.response.start"), None)
        status = start["status"] if start is not None else 500
        try:
            if status >= 500 or status in NOT_KEPT or start is None:
                await pool.execute(_RELEASE, token, key, claimed.started_at)
                return
            kept = [
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, v in start.get("headers", ())
                if k.lower() in KEPT_HEADERS
            ]
            parts = (m.get("body", b"") for m in messages if m["type"] == "http.response.body")
            body = b"".join(parts)
            headers = msgspec.json.encode(kept).decode()
            await pool.execute(_FINISH, token, key, claimed.started_at, status, headers, body)
        except ANY_DATABASE_ERROR as exc:  # the key stays claimed until its lease runs out
            log.warning("idempotent answer not stored", extra={"error": type(exc).__name__})


class ClientGone(Exception):
    """The client disconnected before its request's body arrived."""


def _header(scope: Scope, name: bytes) -> str | None:
    for k, value in scope["headers"]:
        if k == name:
            return bytes(value).decode("latin-1")
    return None


async def _read(receive: Receive, limit: int) -> bytes | None:
    """The whole request body; None when it is larger than the limit."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the body already read, then waits on the client as before."""
    sent = False

    async def again() -> ReceiveMessage:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again
