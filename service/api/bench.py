"""The bench's baselines: one asyncpg query and its rows, with nothing else the API does.

Served only when TRAINEES_BENCH_ENDPOINTS=1 (`trainees bench` sets it); otherwise a plain 404.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from service.api.context import AnyRequest
from service.api.filters import current_cycle_year
from service.api.responses import raw_json


def enabled() -> bool:
    """Whether the bench endpoints are switched on."""
    return os.environ.get("TRAINEES_BENCH_ENDPOINTS") == "1"


class BenchController(Controller):
    """Baselines for `trainees bench`, outside /api: no token, no version, no rate limit."""

    path = "/bench/bare"
    _PAGE = (
        "SELECT doc FROM trainees WHERE provider_id = (SELECT provider_id FROM trainees"
        " WHERE slug_key = $1) AND start_cycle_year = $2 AND state <> 'draft'"
        " ORDER BY updated_at DESC, id DESC LIMIT 50"
    )
    include_in_schema = False

    @get("/{trainee_id:str}")
    async def bare(self, request: AnyRequest, trainee_id: FromPath[str]) -> Any:
        """A trainee's stored document, by id: the read path's single query, bare."""
        if not enabled():
            raise NotFoundException()
        row = await request.app.state.read_pool.fetchrow(
            "SELECT doc, version FROM trainees WHERE slug_key = $1", trainee_id.lower()
        )
        if row is None:
            raise NotFoundException()
        return raw_json(row["doc"].encode())

    @get("/page/{trainee_id:str}")
    async def bare_page(self, request: AnyRequest, trainee_id: FromPath[str]) -> Any:
        """The documents `GET /trainees` answers the trainee's provider (first page of 50,
        this cycle), in one query, joined into a bare envelope."""
        if not enabled():
            raise NotFoundException()
        rows = await request.app.state.read_pool.fetch(
            self._PAGE, trainee_id.lower(), current_cycle_year(date.today())
        )
        return raw_json(b'{"data":[' + ",".join(r["doc"] for r in rows).encode() + b"]}")
