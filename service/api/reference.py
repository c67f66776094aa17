"""GET /reference-data: the HESA code lists and withdrawal reasons, without authentication."""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec
from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from domain.reference import reference_data_payload
from domain.reference.payload import FIELDS
from service.api.context import AnyRequest
from service.api.responses import not_found, raw_json
from service.versions import VERSION_SEGMENT, Endpoint


@cache
def body(field: str | None) -> bytes:
    """The encoded body of the whole payload or of one known field, built once."""
    return msgspec.json.encode(reference_data_payload(field))


class ReferenceDataController(Controller):
    """The code lists a client may send, as the newest version validates them (api.md 2.4)."""

    path = "/api/{version:str}/reference-data"

    @get("/")
    async def reference_data(self, request: AnyRequest, version: FromPath[str]) -> Any:
        """Every list, or the one named by `field` (blank is every list)."""
        if not VERSION_SEGMENT.match(version):
            raise NotFoundException()
        api_version = request.app.state.versions.get(version)
        if api_version is None:
            raise not_found()
        if not api_version.serves(Endpoint.REFERENCE_DATA):
            raise not_found(f"Reference data is not available for version '{version}'")
        field = request.query_params.get("field") or None
        field = field if field is not None and field.strip() else None
        if field is not None and field not in FIELDS:
            raise not_found(f"Reference data field '{field}' not found")
        return raw_json(body(field))
