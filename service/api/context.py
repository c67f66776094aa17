"""Who is calling and through which version: resolved before any handler runs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from domain.values import Actor
from service.accounts import Client, authenticate
from service.api.requests import data_object
from service.api.responses import MISSING_DATA, UNAUTHORIZED, ApiError, missing_data, not_found
from service.versions import VERSION_SEGMENT, ApiVersion

AnyRequest = Request[Any, Any, Any]


@dataclass(frozen=True)
class Caller:
    """An authenticated request to one API version."""

    version: ApiVersion
    segment: str
    client: Client
    request_id: str

    def actor(self) -> Actor:
        """The actor recorded on the events this request causes."""
        return Actor(
            source="api",
            provider_id=self.client.provider_id,
            token_id=self.client.token_id,
            api_version=self.version.name,
            request_id=self.request_id,
        )


def request_id(request: AnyRequest) -> str:
    """The request's id: the client's X-Request-Id when sensible, else a new one."""
    given = request.headers.get("x-request-id", "")
    if 0 < len(given) <= 64 and given.isascii() and given.isprintable():
        return given
    return uuid.uuid4().hex


async def authenticated(request: AnyRequest, segment: str) -> Client:
    """The client behind the request; a segment that is no version at all is a plain 404."""
    if not VERSION_SEGMENT.match(segment):
        raise NotFoundException()
    checked = request.scope.get("state", {}).get("authenticated")
    client = await authenticate(
        request.app.state.read_pool, request.headers.get("authorization"), checked
    )
    if client is None:
        raise UNAUTHORIZED
    return client


async def data_of(request: AnyRequest, caller: Caller) -> dict[str, Any]:
    """The request's `data` object; a missing one is worded as the caller's version words it."""
    try:
        return data_object(await request.body())
    except ApiError as exc:
        if exc.status != 422:
            raise
        raise missing_data(caller.version.reworded(MISSING_DATA)) from None


async def provide_caller(request: AnyRequest, version: FromPath[str]) -> Caller:
    """Authenticate, then resolve the version: an unknown version is the JSON 404."""
    client = await authenticated(request, version)
    api_version = request.app.state.versions.get(version)
    if api_version is None:
        raise not_found()
    state = request.scope.setdefault("state", {})
    rid = state.get("request_id") or state.setdefault("request_id", request_id(request))
    return Caller(version=api_version, segment=version, client=client, request_id=rid)
