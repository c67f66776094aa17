"""State transitions through the API: withdraw, defer, recommend for QTS or EYTS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Controller, Response, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from domain.errors import ValidationFailed
from domain.rules.catalogue import measured
from service import lifecycle
from service.api.context import AnyRequest, Caller, data_of, provide_caller
from service.api.requests import ACTION_INPUTS, checked
from service.api.responses import (
    TRAINEE_NOT_FOUND,
    ApiError,
    not_found,
    unprocessable,
)
from service.api.writes import write
from service.api.writes import written as answer
from service.clock import today
from service.commands import Written
from service.queries import trainee_document
from service.versions import Endpoint

LOADED_FIRST = frozenset({Endpoint.WITHDRAW, Endpoint.DEFER})


async def _transition(
    request: AnyRequest,
    caller: Caller,
    trainee_id: str,
    use_case: Callable[..., Written],
    status: int,
    endpoint: str,
) -> Response[bytes]:
    if not caller.version.serves(endpoint):
        raise not_found()
    try:
        data = caller.version.canonical_request(await data_of(request, caller))
    except ApiError as missing:
        # withdraw and defer load the trainee before they read the body, as the original does
        if missing.status == 422 and endpoint in LOADED_FIRST:
            state = request.app.state
            found = await trainee_document(
                state.read_pool, state.keyring, caller.client.provider_id, trainee_id
            )
            if found is None:
                raise not_found(TRAINEE_NOT_FOUND) from None
        raise
    try:
        sent = checked(data, ACTION_INPUTS[endpoint], measured(caller.version.policy))
        written = await write(
            request,
            use_case,
            provider_id=caller.client.provider_id,
            slug=trainee_id,
            sent=sent,
            actor=caller.actor(),
            policy=caller.version.policy,
            today=today(),
        )
    except ValidationFailed as failed:
        humanise = caller.version.humanises(endpoint)
        raise unprocessable(failed.problems, caller.version, may_humanise=humanise) from None
    return answer(caller, written, status)


class ActionsController(Controller):
    """Lifecycle actions on one trainee."""

    path = "/api/{version:str}/trainees/{trainee_id:str}"
    dependencies = {"caller": Provide(provide_caller)}  # noqa: RUF012

    @post("/withdraw", status_code=200)
    async def withdraw(
        self, request: AnyRequest, caller: NamedDependency[Caller], trainee_id: FromPath[str]
    ) -> Any:
        """Withdraw the trainee (state checked first, then every field)."""
        return await _transition(request, caller, trainee_id, lifecycle.withdraw, 200, "withdraw")

    @post("/defer", status_code=200)
    async def defer(
        self, request: AnyRequest, caller: NamedDependency[Caller], trainee_id: FromPath[str]
    ) -> Any:
        """Defer the trainee."""
        return await _transition(request, caller, trainee_id, lifecycle.defer, 200, "defer")

    @post(["/update-qts-or-eyts-status", "/recommend-for-qts"], status_code=202)
    async def recommend(
        self, request: AnyRequest, caller: NamedDependency[Caller], trainee_id: FromPath[str]
    ) -> Any:
        """Recommend the trainee for QTS or EYTS (recommend-for-qts is the older name)."""
        endpoint = request.url.path.rstrip("/").rsplit("/", 1)[-1]
        return await _transition(request, caller, trainee_id, lifecycle.recommend, 202, endpoint)
