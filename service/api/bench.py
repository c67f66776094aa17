"""The bench's baselines: one asyncpg query and its rows opened, with nothing else the API does;
for writes, the body decoded and stored as one event-shaped row, in one statement.

Served only when TRAINEES_BENCH_ENDPOINTS=1 (`trainees bench` sets it); otherwise a plain 404.
"""

from __future__ import annotations

import contextlib
import os
from datetime import date
from typing import Any
from uuid import uuid4

import asyncpg
import msgspec
from litestar import Controller, Response, get, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath

from service.api.context import AnyRequest
from service.api.filters import current_cycle_year
from service.api.responses import raw_json
from service.bench.limit import CREATE as CREATE_LIMIT_TABLE
from service.bench.limit import INSERT as INSERT_EVENT
from service.queries import SELECT_DOC, opened


def enabled() -> bool:
    """Whether the bench endpoints are switched on."""
    return os.environ.get("TRAINEES_BENCH_ENDPOINTS") == "1"


class BenchController(Controller):
    """Baselines for `trainees bench`, outside /api: no token, no version, no rate limit."""

    path = "/bench/bare"
    _ONE = f"{SELECT_DOC} WHERE t.slug_key = $1"
    _PAGE = (
        f"{SELECT_DOC} WHERE t.provider_id = (SELECT provider_id FROM trainees"
        " WHERE slug_key = $1) AND t.start_cycle_year = $2 AND t.state <> 'draft'"
        " AND t.erased_at IS NULL ORDER BY t.updated_at DESC, t.id DESC LIMIT 50"
    )
    include_in_schema = False

    @get("/{trainee_id:str}")
    async def bare(self, request: AnyRequest, trainee_id: FromPath[str]) -> Any:
        """A trainee's stored document, by id: the read path's single query, bare."""
        if not enabled():
            raise NotFoundException()
        state = request.app.state
        row = await state.read_pool.fetchrow(self._ONE, trainee_id.lower())
        if row is None:
            raise NotFoundException()
        return raw_json(opened(state.keyring, row))

    @get("/page/{trainee_id:str}")
    async def bare_page(self, request: AnyRequest, trainee_id: FromPath[str]) -> Any:
        """The documents `GET /trainees` answers the trainee's provider (first page of 50,
        this cycle), in one query, joined into a bare envelope."""
        if not enabled():
            raise NotFoundException()
        state = request.app.state
        rows = await state.read_pool.fetch(
            self._PAGE, trainee_id.lower(), current_cycle_year(date.today())
        )
        documents = b",".join(opened(state.keyring, r) for r in rows)
        return raw_json(b'{"data":[' + documents + b"]}")

    @post("/write", status_code=201)
    async def bare_write(self, request: AnyRequest) -> Response[bytes]:
        """The body decoded and stored whole as one row of the limit's events-table shape, in
        one statement (committed as it ends): a write's HTTP, decoding and store, bare."""
        if not enabled():
            raise NotFoundException()
        body = await request.body()
        try:
            msgspec.json.decode(body)
        except msgspec.DecodeError:
            raise ValidationException("the body is not JSON") from None
        pool = request.app.state.write_pool
        try:
            stored = await pool.fetchval(INSERT_EVENT, uuid4(), "bench", body)
        except asyncpg.UndefinedTableError:  # the bench makes it when it measures the limit
            with contextlib.suppress(asyncpg.UniqueViolationError, asyncpg.DuplicateTableError):
                await pool.execute(CREATE_LIMIT_TABLE)  # two at once: one of them makes it
            stored = await pool.fetchval(INSERT_EVENT, uuid4(), "bench", body)
        return raw_json(b'{"data":{"notification_id":%d}}' % stored, status=201)
