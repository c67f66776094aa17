"""Placements and degrees of a trainee: list, read, add, change and remove."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, delete, get, post, route
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from domain.errors import DuplicateDegree
from domain.rules.switches import Switch
from service import subresources
from service.api.context import AnyRequest, Caller, data_of, provide_caller
from service.api.requests import DegreeInput, PlacementInput, checked
from service.api.responses import (
    DUPLICATE_DEGREE,
    TRAINEE_NOT_FOUND,
    ApiError,
    errors,
    json,
    not_found,
)
from service.api.writes import etag, write
from service.clock import today
from service.queries import trainee_document

Dep = NamedDependency[Caller]


def _restricted(caller: Caller) -> bool:
    return caller.version.policy.on(Switch.EDITS_REFUSED_WHEN_COMPLETE)


async def _items(request: AnyRequest, caller: Caller, trainee_id: str, kind: str) -> list[Any]:
    state = request.app.state
    found = await trainee_document(
        state.read_pool, state.keyring, caller.client.provider_id, trainee_id
    )
    if found is None:
        raise not_found(TRAINEE_NOT_FOUND)
    items: list[Any] = msgspec.json.decode(found[0])[kind]
    return items


def _one(items: list[Any], key: str, wanted: str, what: str) -> Any:
    for item in items:
        if item[key].lower() == wanted.lower():
            return item
    raise not_found(f"{what} not found")


async def _write(request: AnyRequest, caller: Caller, use_case: Any, status: int, **kw: Any) -> Any:
    if "sent" in kw:
        data = caller.version.canonical_request(await data_of(request, caller))
        kind = PlacementInput if "school" in kw else DegreeInput
        kw["sent"] = sent = checked(data, kind)
        if "school" in kw and sent.get("urn") is not None:  # a known school's URN links it
            urn = str(sent["urn"])
            known = await request.app.state.registers.entries(
                request.app.state.read_pool, {urn}, set()
            )
            kw["school"] = known.schools.get(urn)
    try:
        change = await write(
            request,
            use_case,
            provider_id=caller.client.provider_id,
            actor=caller.actor(),
            restricted=_restricted(caller),
            **kw,
        )
    except DuplicateDegree as duplicate:
        body = {**errors("Conflict", DUPLICATE_DEGREE), "data": duplicate.matches}
        raise ApiError(409, body) from None
    data = (
        change.item if change.item is not None else caller.version.render(change.trainee.document)
    )
    return json({"data": data}, status, etag(change.trainee.version))


class PlacementsController(Controller):
    """A trainee's school placements."""

    path = "/api/{version:str}/trainees/{trainee_id:str}/placements"
    dependencies = {"caller": Provide(provide_caller)}  # noqa: RUF012

    @get("/")
    async def list_placements(
        self, request: AnyRequest, caller: Dep, trainee_id: FromPath[str]
    ) -> Any:
        """Every placement, oldest first."""
        return json({"data": await _items(request, caller, trainee_id, "placements")})

    @get("/{placement_id:str}")
    async def show_placement(
        self,
        request: AnyRequest,
        caller: Dep,
        trainee_id: FromPath[str],
        placement_id: FromPath[str],
    ) -> Any:
        """One placement."""
        items = await _items(request, caller, trainee_id, "placements")
        return json({"data": _one(items, "placement_id", placement_id, "Placement(s)")})

    @post("/", status_code=201)
    async def add_placement(
        self, request: AnyRequest, caller: Dep, trainee_id: FromPath[str]
    ) -> Any:
        """Add a placement."""
        return await _write(
            request, caller, subresources.add_placement, 201, slug=trainee_id, sent={}, school=None
        )

    @route("/{placement_id:str}", http_method=["PUT", "PATCH"])
    async def change_placement(
        self,
        request: AnyRequest,
        caller: Dep,
        trainee_id: FromPath[str],
        placement_id: FromPath[str],
    ) -> Any:
        """Change the fields sent (PUT and PATCH are the same partial update)."""
        return await _write(
            request,
            caller,
            subresources.change_placement,
            200,
            slug=trainee_id,
            placement_id=placement_id,
            sent={},
            school=None,
        )

    @delete("/{placement_id:str}", status_code=200)
    async def remove_placement(
        self,
        request: AnyRequest,
        caller: Dep,
        trainee_id: FromPath[str],
        placement_id: FromPath[str],
    ) -> Any:
        """Remove a placement; answers the trainee."""
        return await _write(
            request,
            caller,
            subresources.remove_placement,
            200,
            slug=trainee_id,
            placement_id=placement_id,
        )


class DegreesController(Controller):
    """A trainee's previous degrees."""

    path = "/api/{version:str}/trainees/{trainee_id:str}/degrees"
    dependencies = {"caller": Provide(provide_caller)}  # noqa: RUF012

    @get("/")
    async def list_degrees(
        self, request: AnyRequest, caller: Dep, trainee_id: FromPath[str]
    ) -> Any:
        """Every degree, by graduation year."""
        return json({"data": await _items(request, caller, trainee_id, "degrees")})

    @get("/{degree_id:str}")
    async def show_degree(
        self, request: AnyRequest, caller: Dep, trainee_id: FromPath[str], degree_id: FromPath[str]
    ) -> Any:
        """One degree."""
        items = await _items(request, caller, trainee_id, "degrees")
        return json({"data": _one(items, "degree_id", degree_id, "Degree(s)")})

    @post("/", status_code=201)
    async def add_degree(self, request: AnyRequest, caller: Dep, trainee_id: FromPath[str]) -> Any:
        """Add a degree; a duplicate is a conflict listing the matches."""
        return await _write(
            request,
            caller,
            subresources.add_degree,
            201,
            slug=trainee_id,
            sent={},
            policy=caller.version.policy,
            today=today(),
        )

    @route("/{degree_id:str}", http_method=["PUT", "PATCH"])
    async def change_degree(
        self, request: AnyRequest, caller: Dep, trainee_id: FromPath[str], degree_id: FromPath[str]
    ) -> Any:
        """Change the fields sent (PUT and PATCH are the same partial update)."""
        return await _write(
            request,
            caller,
            subresources.change_degree,
            200,
            slug=trainee_id,
            degree_id=degree_id,
            sent={},
            policy=caller.version.policy,
            today=today(),
        )

    @delete("/{degree_id:str}", status_code=200)
    async def remove_degree(
        self, request: AnyRequest, caller: Dep, trainee_id: FromPath[str], degree_id: FromPath[str]
    ) -> Any:
        """Remove a degree; answers the trainee."""
        return await _write(
            request, caller, subresources.remove_degree, 200, slug=trainee_id, degree_id=degree_id
        )
