"""The audit API (/audit/v1): a trainee's events and state at any point, the trail across
trainees, and verification of the hash chain. Read-only; audit tokens only."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Stream

from domain.trainee import trainee_uuid
from service.accounts import authenticate
from service.api.context import AnyRequest, request_id
from service.api.responses import ApiError, errors, json, not_found
from service.audit import access, chain, timeline, trail
from service.audit.params import BadParameter, moment, plain, vocabulary, whole
from service.audit.tokens import Auditor, authenticate_auditor

PREFIX = "/audit/v1"
EXPORTS = {"text/csv": "csv", "application/x-ndjson": "jsonl", "application/jsonl": "jsonl"}
WRONG_TOKEN = ApiError(
    403,
    errors("Forbidden", "A provider's token cannot be used on the audit API: use an audit token"),
)


def bad(message: str, status: int = 400) -> ApiError:
    """A parameter the API cannot use."""
    return ApiError(status, errors("BadRequest", message))


async def provide_auditor(request: AnyRequest) -> Auditor:
    """The audit token behind the request: 401 without a valid one, 403 for a provider's."""
    pool = request.app.state.read_pool
    header = request.headers.get("authorization")
    auditor = await authenticate_auditor(pool, header)
    if auditor is not None:
        return auditor
    if await authenticate(pool, header) is not None:
        raise WRONG_TOKEN
    raise ApiError(
        401, errors("Unauthorized", "Send an audit token: Authorization: Bearer <token>")
    )


async def scoped_timeline(
    request: AnyRequest, auditor: Auditor, trainee_id: str, action: str
) -> timeline.Timeline:
    """The trainee's timeline when the token may see it (404 otherwise, as for providers);
    the look is recorded."""
    app = request.app.state
    found = await timeline.load(app.read_pool, app.register.mapper, trainee_id)
    if found is None or not auditor.sees(found.provider_id):
        raise not_found("Trainee not found")
    detail = {k: request.query_params.get(k) for k in ("vocabulary", "as_of", "sequence")}
    await access.record(
        app.read_pool,
        auditor,
        action,
        trainee=(found.trainee_id, found.slug),
        detail=detail,
        request_id=request_id(request),
    )
    return found


def parsed(request: AnyRequest) -> dict[str, Any]:
    """The query's parameters, each checked (400 with a message otherwise)."""
    q = request.query_params
    try:
        for name, value in q.items():
            plain(name, value)
        return {
            "vocabulary": vocabulary(q.get("vocabulary")),
            "as_of": moment("as_of", q.get("as_of")),
            "sequence": whole("sequence", q.get("sequence"), least=1),
            "from": moment("from", q.get("from")),
            "to": moment("to", q.get("to")),
            "limit": whole("limit", q.get("limit"), least=1, most=1000) or 100,
        }
    except BadParameter as exc:
        raise bad(str(exc)) from None


class AuditController(Controller):
    """What auditors read: every event, every past state, the trail, the chain's verification."""

    path = PREFIX
    dependencies = {"auditor": Provide(provide_auditor)}  # noqa: RUF012

    @get("/trainees/{trainee_id:str}/events")
    async def trainee_events(
        self, request: AnyRequest, auditor: NamedDependency[Auditor], trainee_id: FromPath[str]
    ) -> Response[bytes]:
        """Every event of the trainee, oldest first, with who, when, how and what changed."""
        params = parsed(request)
        found = await scoped_timeline(request, auditor, trainee_id, "events")
        version = params["vocabulary"]
        return json(
            {
                "trainee_id": found.slug,
                "vocabulary": version.name,
                "data": timeline.entries(found, version),
            }
        )

    @get("/trainees/{trainee_id:str}")
    async def trainee_state(
        self, request: AnyRequest, auditor: NamedDependency[Auditor], trainee_id: FromPath[str]
    ) -> Response[bytes]:
        """The trainee as a client of the vocabulary's version read it at a time or sequence."""
        params = parsed(request)
        if params["as_of"] and params["sequence"]:
            raise bad("give as_of or sequence, not both")
        found = await scoped_timeline(request, auditor, trainee_id, "state")
        if params["as_of"]:
            step = found.at_time(params["as_of"])
        elif params["sequence"]:
            step = found.at_sequence(params["sequence"])
        else:
            step = found.steps[-1]
        if step is None:
            raise not_found("The trainee did not exist at that point")
        version = params["vocabulary"]
        return json(
            {
                "trainee_id": found.slug,
                "vocabulary": version.name,
                "sequence": step.sequence,
                "at": step.at.isoformat(),
                "data": version.render(found.document(step)),
            }
        )

    @get("/events")
    async def trail_events(
        self, request: AnyRequest, auditor: NamedDependency[Auditor]
    ) -> Response[Any]:
        """The audit trail across the token's trainees, in pages, or streamed as CSV or JSONL."""
        params = parsed(request)
        q = request.query_params
        query = trail.TrailQuery(
            ukprn=q.get("ukprn") or None,
            since=params["from"],
            until=params["to"],
            event=q.get("event") or None,
            token_id=q.get("token_id") or None,
        )
        try:
            after = trail.position_of(q["after"], query, auditor) if q.get("after") else 0
        except trail.BadCursor as exc:
            raise bad(str(exc)) from None
        pool = request.app.state.read_pool
        fmt = EXPORTS.get(request.headers.get("accept", "").split(";")[0].strip().lower())
        await access.record(
            pool,
            auditor,
            f"trail {fmt}" if fmt else "trail",
            detail={k: q.get(k) for k in ("ukprn", "from", "to", "event", "token_id")},
            request_id=request_id(request),
        )
        if fmt:
            media = "text/csv" if fmt == "csv" else "application/x-ndjson"
            return Stream(trail.export(pool, query, auditor, after, fmt), media_type=media)
        data, more = await trail.page(pool, query, auditor, after, params["limit"])
        nxt = trail.cursor(query, auditor, more) if more is not None else None
        return json({"data": data, "next": nxt})

    @get("/verify")
    async def verify_trainee(
        self, request: AnyRequest, auditor: NamedDependency[Auditor]
    ) -> Response[bytes]:
        """Whether the trainee's hash chain and the seals that cover it verify."""
        slug = parsed(request) and request.query_params.get("trainee_id")
        if not slug:
            raise bad("trainee_id is required")
        pool = request.app.state.read_pool
        uuid = trainee_uuid(slug)
        owner = await pool.fetchval("SELECT provider_id::text FROM trainees WHERE id = $1", uuid)
        if owner is None or not auditor.sees(owner):
            raise not_found("Trainee not found")
        await access.record(
            pool, auditor, "verify", trainee=(uuid, slug), request_id=request_id(request)
        )
        async with pool.acquire() as conn:
            result = await chain.verify(conn, uuid)
        return json(verification(slug, result))


def verification(slug: str, result: chain.Verification) -> dict[str, Any]:
    """A verification as the API and the page render it."""
    broken = result.broken
    return {
        "trainee_id": slug,
        "verified": result.verified,
        "events": result.events,
        "head": {"sequence": result.head[0], "hash": result.head[1].hex()} if result.head else None,
        "seals": result.seals,
        "rechained": bool(result.rechained),
        "broken": {"sequence": broken.sequence, "reason": broken.reason} if broken else None,
    }
