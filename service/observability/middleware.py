"""The outermost layer of every HTTP request: id, body limit, rate limit, access log, metrics.

It wraps the whole Litestar application (unknown paths included), before routing.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping
from typing import Any

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send

from service import ratelimit
from service.config import Settings
from service.observability.logs import ACCESS
from service.observability.metrics import Metrics
from service.outages import ANY_DATABASE_ERROR
from service.usage import VersionUsage
from service.versions import VERSIONS, ApiVersion
from service.versions.retirement import retirements

log = logging.getLogger("trainees.http")
RETRY_LATER = b"Retry later\n"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def request_id(given: str | None) -> str:
    """The client's X-Request-Id when sensible, else a new one."""
    if given and len(given) <= 64 and given.isascii() and given.isprintable():
        return given
    return uuid.uuid4().hex


def version_of(path: str, versions: Mapping[str, ApiVersion] = VERSIONS) -> str:
    """The API version a path addresses: a known version, `unknown`, or `none` outside /api."""
    parts = path.split("/", 3)
    if len(parts) < 3 or parts[1] != "api":
        return "none"
    return parts[2] if parts[2] in versions else "unknown"


def too_large(length: str | None, limit: int) -> bool:
    """Whether a Content-Length announces more than the limit (a bad one is left to the app)."""
    return bool(length and length.isascii() and length.isdigit() and int(length) > limit)


async def _answer(send: Send, status: int, body: bytes, media: bytes, **headers: str) -> None:
    extra = [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", media), (b"content-length", str(len(body)).encode()), *extra],
    }
    await send(start)
    await send({"type": "http.response.body", "body": body, "more_body": False})


def too_large_body(limit: int) -> bytes:
    """The 413 body."""
    return msgspec.json.encode(
        {
            "errors": [
                {
                    "error": "PayloadTooLarge",
                    "message": f"The request body must be at most {limit} bytes",
                }
            ]
        }
    )


def policy_header(limit: int, window: int) -> bytes:
    """The RateLimit-Policy field (IETF httpapi RateLimit header fields draft): one policy,
    `limit` requests (quota units) per `window` seconds."""
    return f'"default";q={limit};w={window}'.encode()


class Edge:
    """ASGI middleware in front of the application."""

    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        metrics: Metrics,
        limiter: ratelimit.Limiter,
        versions: Mapping[str, ApiVersion] = VERSIONS,
        usage: VersionUsage | None = None,
    ) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics
        self.too_large = too_large_body(settings.max_body_bytes)
        self.policy = policy_header(settings.rate_limit, settings.rate_limit_window)
        self.versions = versions
        self.usage = usage
        self.limiter = limiter
        self.retired = {
            segment: [(k.encode(), v.encode()) for k, v in retirement.headers()]
            for segment, retirement in retirements(versions, settings.version_sunsets).items()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = request_id(_header(scope, b"x-request-id"))
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = rid
        status = 500
        limited = scope["path"].startswith("/api")
        version = version_of(scope["path"], self.versions)
        retired = self.retired.get(version, ())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    *message.get("headers", ()),
                    (b"x-request-id", rid.encode()),
                    *retired,
                ]
                if limited:
                    headers += self._limit_headers(state.get("rate_limit"))
                message["headers"] = headers
            await send(message)

        try:
            if not await self._refused(scope, state, send_with_id):
                await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, state, rid, status, time.perf_counter() - started)

    async def _refused(self, scope: Scope, state: dict[str, Any], send: Send) -> bool:
        """Answer 413 or 429 without going further; False lets the request through."""
        if too_large(_header(scope, b"content-length"), self.settings.max_body_bytes):
            await _answer(send, 413, self.too_large, b"application/json")
            return True
        if not scope["path"].startswith("/api"):
            return False
        verdict = await self._count(scope)
        if verdict is None:
            return False
        state["provider_id"] = verdict.provider_id
        state["rate_limit"] = verdict
        state["authenticated"] = (verdict.client, verdict.last_used_on)
        if verdict.allowed:
            return False
        self.metrics.throttled.inc()
        await _answer(send, 429, RETRY_LATER, b"text/plain", retry_after=str(verdict.retry_after))
        return True

    async def _count(self, scope: Scope) -> ratelimit.Verdict | None:
        """Count the request; None when the database cannot (the request goes on: fail open)."""
        client = scope.get("client")
        key, digest = ratelimit.client_key(
            _header(scope, b"authorization"), client[0] if client else None
        )
        try:
            return await self.limiter.hit(scope["app"].state.read_pool, key, digest)
        except ANY_DATABASE_ERROR as exc:
            log.warning("rate limit not checked", extra={"error": type(exc).__name__})
            return None

    def _limit_headers(self, verdict: ratelimit.Verdict | None) -> list[tuple[bytes, bytes]]:
        """RateLimit-Policy always; RateLimit (quota left, seconds to the next window) when
        the request was counted (not when the database could not count it)."""
        headers = [(b"ratelimit-policy", self.policy)]
        if verdict is not None:
            left = max(0, self.settings.rate_limit - verdict.hits)
            value = f'"default";r={left};t={verdict.retry_after}'
            headers.append((b"ratelimit", value.encode()))
        return headers

    def _record(
        self, scope: Scope, state: dict[str, Any], rid: str, status: int, seconds: float
    ) -> None:
        route = scope.get("path_template") or "unrouted"
        version = version_of(scope["path"], self.versions)
        provider_id = state.get("provider_id")
        if self.usage is not None and provider_id and version not in ("none", "unknown"):
            self.usage.count(self.versions[version].name, provider_id)
        method = str(scope.get("method", "GET"))
        self.metrics.observe(version, route, method, status, seconds)
        ACCESS.info(
            "request",
            extra={
                "request_id": rid,
                "method": method,
                "route": route,
                "version": version,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "provider_id": state.get("provider_id"),
            },
        )
