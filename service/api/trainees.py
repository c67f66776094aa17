"""The /trainees endpoints: list, create, read and update trainee records."""

from __future__ import annotations

import math
from typing import Any

import msgspec
from litestar import Controller, get, post, route
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from domain.errors import ValidationFailed
from domain.rules.catalogue import measured
from domain.rules.submission import SubmissionFailed
from domain.values import ProviderRef
from projections.inline import Duplicated
from service import commands
from service.api.context import AnyRequest, Caller, data_of, provide_caller
from service.api.filters import parse_filter
from service.api.requests import fields_of, trainee_input
from service.api.responses import (
    DUPLICATE_TRAINEE,
    NO_TRAINEES,
    TRAINEE_NOT_FOUND,
    ApiError,
    counted,
    errors,
    json,
    not_found,
    raw_json,
    trainee_invalid,
)
from service.api.values import INT64_MAX
from service.api.writes import etag, if_match, write
from service.api.writes import written as answer
from service.clock import today
from service.queries import duplicate_trainees, trainee_document, trainee_page


def trainee_write(data: dict[str, Any], caller: Caller) -> tuple[dict[str, Any], dict[str, str]]:
    """A trainee body in canonical fields, decoded through the msgspec input type."""
    policy = caller.version.policy
    struct, disabilities = trainee_input(caller.version.canonical_request(data), measured(policy))
    return fields_of(struct), disabilities


class TraineesController(Controller):
    """Trainee records of the caller's provider."""

    path = "/api/{version:str}/trainees"
    dependencies = {"caller": Provide(provide_caller)}  # noqa: RUF012

    @get("/")
    async def list_trainees(self, request: AnyRequest, caller: NamedDependency[Caller]) -> Any:
        """A page of the provider's trainees for one academic cycle."""
        query = {k: request.query_params.getall(k) for k in request.query_params}
        f = parse_filter(query, today())
        if f.per_page == 0 or f.offset > INT64_MAX:  # a page no database could reach is empty
            raise not_found(NO_TRAINEES)
        state = request.app.state
        page = await trainee_page(
            state.read_pool, state.keyring, caller.client.provider_id, f, today()
        )
        if not page.documents:
            raise not_found(NO_TRAINEES)
        meta = {
            "current_page": f.page,
            "total_pages": math.ceil(page.total / f.per_page),
            "total_count": page.total,
            "per_page": f.per_page,
        }
        if caller.version.is_head:
            body = b'{"data":[' + b",".join(page.documents) + b'],"meta":'
            return raw_json(body + msgspec.json.encode(meta) + b"}")
        data = [caller.version.render(msgspec.json.decode(d)) for d in page.documents]
        return json({"data": data, "meta": meta})

    @get("/{trainee_id:str}")
    async def show_trainee(
        self, request: AnyRequest, caller: NamedDependency[Caller], trainee_id: FromPath[str]
    ) -> Any:
        """One trainee, without a data envelope."""
        state = request.app.state
        found = await trainee_document(
            state.read_pool, state.keyring, caller.client.provider_id, trainee_id
        )
        if found is None:
            raise not_found(TRAINEE_NOT_FOUND)
        doc, version = found
        if caller.version.is_head:
            return raw_json(doc, headers=etag(version))
        return json(caller.version.render(msgspec.json.decode(doc)), headers=etag(version))

    @post("/", status_code=201)
    async def create_trainee(self, request: AnyRequest, caller: NamedDependency[Caller]) -> Any:
        """Register a trainee (with nested placements and degrees) and submit it for a TRN."""
        pool, registers = request.app.state.read_pool, request.app.state.registers
        try:
            fields, disabilities = trainee_write(await data_of(request, caller), caller)
            placements = [fields_of(p) for p in fields.pop("placements_attributes", [])]
            degrees = [fields_of(d) for d in fields.pop("degrees_attributes", [])]
            new = commands.check_new_trainee(
                sent=fields,
                disabilities=disabilities,
                placements=placements,
                degrees=degrees,
                policy=caller.version.policy,
                today=today(),
                known=await registers.entries(pool, *mentioned(fields, placements)),
            )
            written = await write(
                request,
                commands.register_trainee,
                provider=ProviderRef(
                    provider_id=caller.client.provider_id, ukprn=caller.client.ukprn
                ),
                new=new,
                actor=caller.actor(),
            )
        except ValidationFailed as failed:
            raise trainee_invalid(failed.problems, caller.version, enhanced(request)) from None
        except SubmissionFailed as failed:  # a duplicate is reported before the submission
            found = await duplicate_trainees(
                pool, request.app.state.keyring, caller.client.provider_id, new.candidate.values
            )
            if found:
                raise duplicate_trainee(found, caller) from None
            raise submission_invalid(failed.sections) from None
        except Duplicated as duplicated:  # refused by the save's own duplicate check
            raise duplicate_trainee(duplicated.found, caller) from None
        return answer(caller, written, 201)

    @route("/{trainee_id:str}", http_method=["PUT", "PATCH"])
    async def update_trainee(
        self, request: AnyRequest, caller: NamedDependency[Caller], trainee_id: FromPath[str]
    ) -> Any:
        """Update the trainee's details (PUT and PATCH are the same partial update)."""
        return await self._update(request, caller, trainee_id)

    async def _update(
        self, request: AnyRequest, caller: NamedDependency[Caller], trainee_id: FromPath[str]
    ) -> Any:
        expected = if_match(request)
        try:
            fields, disabilities = trainee_write(await data_of(request, caller), caller)
            fields.pop("placements_attributes", None)
            fields.pop("degrees_attributes", None)
            known = await request.app.state.registers.entries(
                request.app.state.read_pool, *mentioned(fields, [])
            )
            written = await write(
                request,
                commands.update_trainee,
                provider_id=caller.client.provider_id,
                slug=trainee_id,
                sent=fields,
                disabilities=disabilities,
                actor=caller.actor(),
                policy=caller.version.policy,
                today=today(),
                expected_version=expected,
                known=known,
            )
        except ValidationFailed as failed:
            raise trainee_invalid(failed.problems, caller.version, enhanced(request)) from None
        except SubmissionFailed as failed:  # where the policy checks the submission on update
            raise submission_invalid(failed.sections) from None
        return answer(caller, written, 200)


def mentioned(
    fields: dict[str, Any], placements: list[dict[str, Any]]
) -> tuple[set[str], set[str]]:
    """The URNs and UKPRNs a trainee body names, to look up in the register."""
    urns = [fields.get("training_partner_urn"), fields.get("employing_school_urn")]
    urns += [p.get("urn") for p in placements]
    ukprn = fields.get("training_partner_ukprn")
    return {str(u) for u in urns if u is not None}, {str(ukprn)} if ukprn is not None else set()


def duplicate_trainee(documents: list[bytes], caller: Caller) -> ApiError:
    """409 listing the provider's trainees the new one duplicates, in the caller's version."""
    body = errors("Conflict", DUPLICATE_TRAINEE)
    body["data"] = [caller.version.render(msgspec.json.decode(doc)) for doc in documents]
    return ApiError(409, body)


def submission_invalid(sections: dict[str, dict[str, list[str]]]) -> ApiError:
    """422 for the second-stage checks: errors keyed by section, counted by section."""
    message = counted(len(sections), "trainee from being saved")
    return ApiError(422, {"message": message, "errors": sections})


def enhanced(request: AnyRequest) -> bool:
    """Whether the client asked for errors grouped by field."""
    return request.headers.get("enhanced-errors") == "true"
