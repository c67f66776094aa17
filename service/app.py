"""The composition root: builds the Litestar application and wires its parts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from litestar import Litestar, Response
from litestar.exceptions import NotFoundException

from domain.errors import ConcurrentChange, NotFound, StateTransitionRefused, ValidationFailed
from service.api.context import AnyRequest
from service.api.info import fallbacks
from service.api.responses import (
    CONFLICT_CHANGED,
    STATE_TRANSITION,
    UNAVAILABLE,
    ApiError,
    not_found,
    unprocessable,
)
from service.api.routes import CONTROLLERS
from service.commands import StoreUnavailable
from service.config import Settings
from service.database import Database
from service.eventstore import open_register
from service.versions import HEAD, VERSIONS

log = logging.getLogger("trainees")


def _answer(error: ApiError) -> Response[Any]:
    return Response(content=error.body, status_code=error.status, headers=error.headers,
                    media_type="application/json")  # fmt: skip


def _api_error(request: AnyRequest, exc: ApiError) -> Response[Any]:
    return _answer(exc)


def _domain_error(request: AnyRequest, exc: Exception) -> Response[Any]:
    """Each domain refusal maps to exactly one HTTP answer here."""
    if isinstance(exc, ValidationFailed):
        version = VERSIONS.get(request.path_params.get("version", ""), HEAD)
        return _answer(unprocessable(exc.problems, version))
    if isinstance(exc, StateTransitionRefused):
        return _answer(STATE_TRANSITION)
    if isinstance(exc, NotFound):
        return _answer(not_found(f"{exc.what} not found"))
    if isinstance(exc, ConcurrentChange):
        return _answer(CONFLICT_CHANGED)
    return _answer(UNAVAILABLE)


def _plain_not_found(request: AnyRequest, exc: NotFoundException) -> Response[Any]:
    return Response(content={"status_code": 404, "detail": "Not Found"}, status_code=404)


def _unexpected(request: AnyRequest, exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return Response(content={"status": 500, "error": "Internal Server Error"}, status_code=500)


def create_app(settings: Settings, database: Database) -> Litestar:
    """The API application for one database."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.read_pool = await asyncpg.create_pool(
            database.url, min_size=1, max_size=settings.read_pool_size, command_timeout=10
        )
        app.state.executor = ThreadPoolExecutor(
            max_workers=settings.write_pool_size, thread_name_prefix="write"
        )
        app.state.register = await asyncio.to_thread(
            open_register, database, settings.write_pool_size
        )
        try:
            yield
        finally:
            app.state.executor.shutdown(wait=True)
            app.state.register.close()
            await app.state.read_pool.close()

    return Litestar(
        route_handlers=[*CONTROLLERS, *fallbacks(CONTROLLERS)],
        lifespan=[lifespan],
        exception_handlers={
            ApiError: _api_error,
            ValidationFailed: _domain_error,
            StateTransitionRefused: _domain_error,
            NotFound: _domain_error,
            ConcurrentChange: _domain_error,
            StoreUnavailable: _domain_error,
            asyncpg.PostgresConnectionError: _domain_error,
            asyncpg.TooManyConnectionsError: _domain_error,
            TimeoutError: _domain_error,
            NotFoundException: _plain_not_found,
            500: _unexpected,
        },
        openapi_config=None,
    )
