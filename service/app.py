"""The composition root: builds the Litestar application and wires its parts."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Response
from litestar.exceptions import InternalServerException, NotFoundException
from litestar.types import ASGIApp

from domain import reference
from domain.errors import (
    ConcurrentChange,
    NotFound,
    StateTransitionRefused,
    TraineeErased,
    ValidationFailed,
)
from service import idempotency
from service.api.context import AnyRequest
from service.api.info import fallbacks
from service.api.responses import (
    CONFLICT_CHANGED,
    STATE_TRANSITION,
    UNAVAILABLE,
    ApiError,
    erased,
    not_found,
    unprocessable,
)
from service.api.routes import CONTROLLERS
from service.changes import Changes
from service.config import SettingError, Settings
from service.database import Database
from service.eventstore import open_register
from service.idempotency import Idempotency
from service.keyring import load_hash_key, master_keys
from service.observability.logs import configure
from service.observability.metrics import Metrics
from service.observability.middleware import Edge, too_large_body
from service.observability.probes import PROBES
from service.outages import DATABASE_DOWN
from service.ratelimit import Limiter, sweep
from service.registers import Registers
from service.timeouts import bound_write_waits, timed_pool
from service.usage import VersionUsage, flush_every
from service.versions import VERSIONS, ApiVersion, head_of
from service.versions.retirement import retirements
from service.writer import Writer

log = logging.getLogger("trainees")


def _answer(error: ApiError) -> Response[Any]:
    return Response(
        content=error.body,
        status_code=error.status,
        headers=error.headers,
        media_type="application/json",
    )


def _api_error(request: AnyRequest, exc: ApiError) -> Response[Any]:
    return _answer(exc)


def _domain_error(request: AnyRequest, exc: Exception) -> Response[Any]:
    """Each domain refusal maps to exactly one HTTP answer here."""
    if isinstance(exc, ValidationFailed):
        versions = request.app.state.versions
        version = versions.get(request.path_params.get("version", ""), head_of(versions))
        return _answer(unprocessable(exc.problems, version))
    if isinstance(exc, StateTransitionRefused):
        return _answer(STATE_TRANSITION)
    if isinstance(exc, NotFound):
        return _answer(not_found(f"{exc.what} not found"))
    if isinstance(exc, ConcurrentChange):
        return _answer(CONFLICT_CHANGED)
    if isinstance(exc, TraineeErased):
        return _answer(erased(exc.at))
    return _answer(UNAVAILABLE)


def _unavailable(request: AnyRequest, exc: Exception) -> Response[Any]:
    """The database did not answer in time: 503, never a hang or a 500."""
    log.warning("database unavailable", extra={"error": type(exc).__name__})
    return _answer(UNAVAILABLE)


UNAVAILABLE_ERRORS = DATABASE_DOWN


def prepare_reference_data() -> None:
    """Decode the reference data at start-up, before any request needs it: msgspec prepares a
    type on its first use, and two threads doing that at once for the same type can crash the
    process."""
    for name in reference.table_names():
        reference.table(name)
    for name in reference.code_list_names():
        reference.code_list(name)
    for name in reference.legacy_code_list_names():
        reference.legacy_code_list(name)
    reference.routes()
    reference.funding_rows()


def _plain_not_found(request: AnyRequest, exc: NotFoundException) -> Response[Any]:
    return Response(content={"status_code": 404, "detail": "Not Found"}, status_code=404)


def _route(request: AnyRequest) -> str:
    """The route template (`/api/{version}/trainees/{trainee_id}`): logs name no record."""
    return str(request.scope.get("path_template") or "unrouted")


def _unexpected(request: AnyRequest, exc: Exception) -> Response[Any]:
    if isinstance(exc, InternalServerException) and "disconnected" in str(exc.detail):
        # the client went away mid-request: nothing failed here, and nobody reads the answer
        log.info("client disconnected", extra={"route": _route(request)})
        return Response(content=b"", status_code=499)
    # the formatter writes the exception's type and stack, never its message (it may hold values)
    log.error(
        "unhandled error",
        exc_info=exc,
        extra={"method": request.method, "route": _route(request)},
    )
    return Response(content={"status": 500, "error": "Internal Server Error"}, status_code=500)


def create_app(
    settings: Settings, database: Database, versions: Mapping[str, ApiVersion] = VERSIONS
) -> Litestar:
    """The API application for one database, serving a chain of versions (by default the
    published ones)."""
    if settings.current_version not in versions:
        raise SettingError(f"TRAINEES_CURRENT_VERSION {settings.current_version!r} is not served")
    for marked in settings.version_sunsets:
        if marked not in versions:
            raise SettingError(f"TRAINEES_VERSION_SUNSET names {marked!r}, which is not served")
    configure(settings.log_level)
    metrics = Metrics()
    master = master_keys(settings)  # refuses to start without a master key where one is needed
    usage = VersionUsage()
    changes = Changes(settings.db_timeout)
    limiter = Limiter(
        settings.rate_limit,
        settings.rate_limit_window,
        settings.rate_limit_lease,
        settings.db_timeout,
        changes,
    )
    registers = Registers(changes)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.metrics = metrics
        app.state.read_pool = await timed_pool(
            database.url, settings.read_pool_size, settings.db_timeout
        )
        app.state.write_pool = await timed_pool(
            database.url, settings.write_pool_size, settings.db_timeout
        )
        # The event store gives the writer its mapper and keyring, and creates its tables;
        # the API's writes do not use its (thread-bound) connections.
        app.state.register = await asyncio.to_thread(open_register, database, 1, master)
        app.state.keyring = app.state.register.keyring
        async with app.state.read_pool.acquire() as conn:
            await load_hash_key(conn, app.state.keyring)
        bound_write_waits(app.state.register, settings.db_timeout / 10)
        prepare_reference_data()
        app.state.writer = Writer(
            app.state.write_pool, app.state.register, settings.write_timeout, metrics.events.inc
        )
        every = max(60, 2 * settings.rate_limit_window)
        sweeper = asyncio.create_task(sweep(app.state.read_pool, settings.rate_limit_window, every))
        app.state.registers = registers
        listener = asyncio.create_task(changes.follow(database.url))
        await changes.heard(settings.db_timeout)  # leases and entries kept from the start
        forgetter = asyncio.create_task(idempotency.sweep(app.state.read_pool, every))
        flusher = asyncio.create_task(
            flush_every(usage, app.state.read_pool, settings.usage_flush_seconds)
        )
        gc.freeze()  # what start-up built lives as long as the process: collections skip it
        try:
            yield
        finally:
            sweeper.cancel()
            listener.cancel()
            forgetter.cancel()
            flusher.cancel()
            await usage.flush(app.state.read_pool)
            await app.state.writer.drain()  # writes answered 503 still end before the pools
            await once.drain()  # writes answered 503 store their real answers before the end
            app.state.register.close()
            await app.state.write_pool.close()
            await app.state.read_pool.close()

    def too_large(request: AnyRequest, exc: Exception) -> Response[Any]:
        return Response(
            content=too_large_body(settings.max_body_bytes),
            status_code=413,
            media_type="application/json",
        )

    app = Litestar(
        route_handlers=[*CONTROLLERS, *fallbacks(CONTROLLERS), *PROBES],
        lifespan=[lifespan],
        exception_handlers={
            ApiError: _api_error,
            ValidationFailed: _domain_error,
            StateTransitionRefused: _domain_error,
            NotFound: _domain_error,
            ConcurrentChange: _domain_error,
            TraineeErased: _domain_error,
            **dict.fromkeys(UNAVAILABLE_ERRORS, _unavailable),
            NotFoundException: _plain_not_found,
            413: too_large,
            500: _unexpected,
        },
        request_max_body_size=settings.max_body_bytes,
        logging_config=None,  # the service's own JSON logs (service.observability.logs)
        openapi_config=None,
    )
    app.state.versions = versions
    app.state.retirements = retirements(versions, settings.version_sunsets)
    once = Idempotency(
        app.asgi_handler,
        settings.max_body_bytes,
        lease=2 * settings.write_timeout,
        too_large=too_large_body(settings.max_body_bytes),
    )
    edge: ASGIApp = Edge(once, settings, metrics, limiter, versions, usage)
    app.asgi_handler = edge  # outermost: sees every request, routed or not
    return app
