"""What every write endpoint shares: the writer, ETags and If-Match."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from litestar import Response

from service.api.context import AnyRequest, Caller
from service.api.responses import ApiError, json, raw_json
from service.commands import Written
from service.writer import Writer

T = TypeVar("T")


async def write(request: AnyRequest, use_case: Callable[..., T], /, **kwargs: Any) -> T:
    """Run a write use case (load, decide, save) through the service's writer."""
    writer: Writer = request.app.state.writer
    return await writer.run(use_case, **kwargs)


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
