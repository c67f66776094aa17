"""What every write endpoint shares: the write executor, ETags and If-Match."""

from __future__ import annotations

import asyncio
import functools
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from litestar import Response

from domain.errors import ConcurrentChange
from service.api.context import AnyRequest, Caller
from service.api.responses import ApiError, json, raw_json
from service.commands import Written

T = TypeVar("T")
ATTEMPTS = 10
"""How many times a write without If-Match is decided before a lost race is answered 409."""


async def in_executor(request: AnyRequest, fn: Callable[..., T], /, **kwargs: Any) -> T:
    """Run a write use case on the executor sized to the write pool."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        request.app.state.executor,
        functools.partial(retried, fn, request.app.state.register, **kwargs),
    )


def retried(fn: Callable[..., T], register: Any, /, **kwargs: Any) -> T:
    """Run a use case (load, decide, save); when another write saved first and the client did
    not send If-Match, run it again on the new state: only a stale If-Match is a conflict."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return fn(register, **kwargs)
        except ConcurrentChange:
            if kwargs.get("expected_version") is not None or attempt == ATTEMPTS:
                raise
            time.sleep(random.uniform(0, 0.002 * attempt))  # spreads the racers apart
    raise AssertionError("unreachable")


def written(caller: Caller, done: Written, status: int) -> Response[bytes]:
    """The answer to a write: the trainee in the caller's version, with its ETag (the head
    version's document goes out as the write encoded it)."""
    if caller.version.is_head:
        return raw_json(b'{"data":' + done.body + b"}", status, etag(done.version))
    return json({"data": caller.version.render(done.document)}, status, etag(done.version))


def etag(version: int) -> dict[str, str]:
    """The ETag header of a trainee at a version (clients send it back in If-Match)."""
    return {"ETag": f'"{version}"'}


def if_match(request: AnyRequest) -> int | None:
    """The version a client expects, from If-Match; None when not sent."""
    value = request.headers.get("if-match")
    if not value:
        return None
    digits = value.strip().strip("W/").strip('"')
    if not (digits.isascii() and digits.isdigit()):
        raise ApiError(
            412,
            {
                "errors": [
                    {"error": "PreconditionFailed", "message": "If-Match must be a trainee version"}
                ]
            },
        )
    return int(digits)
