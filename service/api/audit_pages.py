"""The auditors' web page at /audit/: sign in with an audit token, find a trainee, read its
timeline and its state at any event in any version's vocabulary, see whether it verifies."""

from __future__ import annotations

import secrets
from typing import Any

import asyncpg
import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import FromPath

from domain.errors import TraineeErased
from domain.personal import ERASED
from domain.trainee import trainee_uuid
from service.api.audit import verification
from service.api.context import AnyRequest, request_id
from service.audit import access, chain, page, timeline
from service.audit.params import BadParameter, vocabulary, whole
from service.audit.sessions import (
    COOKIE,
    HOURS,
    LOGIN_COOKIE,
    Session,
    close_session,
    open_session,
    same,
    session,
)
from service.audit.tokens import authenticate_auditor
from service.keyring import Keyring
from service.queries import opened
from service.versions import VERSIONS

_FIND = """
SELECT t.id, t.doc, t.sealed, t.erased_at, k.wrapped, k.master_key_id, t.slug, p.ukprn, t.state
  FROM trainees t JOIN providers p ON p.id = t.provider_id
  LEFT JOIN trainee_keys k ON k.trainee_id = t.id
 WHERE (t.slug_key = lower($1) OR t.trn_key = $3 OR t.provider_trainee_id_key = $4)
   AND ($2::uuid[] IS NULL OR t.provider_id = ANY($2::uuid[]))
 ORDER BY t.created_at LIMIT 50
"""


def _found(keyring: Keyring, row: asyncpg.Record) -> dict[str, Any]:
    """A search result: the trainee's identifiers, opened from its sealed members."""
    try:
        doc = msgspec.json.decode(opened(keyring, row))
    except TraineeErased:
        doc = {"trn": ERASED, "provider_trainee_id": ERASED}
    return {
        "slug": row["slug"],
        "trn": doc.get("trn"),
        "provider_trainee_id": doc.get("provider_trainee_id"),
        "ukprn": row["ukprn"],
        "state": row["state"],
    }


def _cookie(request: AnyRequest, key: str, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=key,
        value=value,
        path="/audit",
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def _html(body: bytes, status: int = 200, cookies: list[Cookie] | None = None) -> Response[bytes]:
    return Response(
        body, status_code=status, media_type="text/html", headers=page.SECURITY_HEADERS,
        cookies=cookies or [],
    )  # fmt: skip


def _redirect(to: str, cookies: list[Cookie] | None = None) -> Response[bytes]:
    return Response(
        b"", status_code=303, headers={**page.SECURITY_HEADERS, "Location": to},
        cookies=cookies or [],
    )  # fmt: skip


def _signed_in_page(title: str, body: str, s: Session, status: int = 200) -> Response[bytes]:
    who = s.auditor.name or s.auditor.token_id
    return _html(page.layout(title, body, who=who, csrf=s.csrf), status)


def _sign_in_page(
    request: AnyRequest, error: str | None = None, status: int = 200
) -> Response[bytes]:
    csrf = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    body = page.layout("Sign in · audit", page.sign_in(csrf, error))
    return _html(body, status, [_cookie(request, LOGIN_COOKIE, csrf, 3600)])


async def _session(request: AnyRequest) -> Session | None:
    return await session(request.app.state.read_pool, request.cookies.get(COOKIE))


class AuditPagesController(Controller):
    """The auditors' pages: HTML for people, beside the audit API for programs."""

    path = "/audit"

    @get("/")
    async def audit_home(self, request: AnyRequest) -> Response[bytes]:
        """Sign in, or find a trainee within the token's scope."""
        s = await _session(request)
        if s is None:
            return _sign_in_page(request)
        q = (request.query_params.get("q") or "").strip()[:100]
        found = None
        if q and not q.isprintable():
            found = []  # nothing is named with control characters
        elif q:
            pool, keyring = request.app.state.read_pool, request.app.state.keyring
            hashed = keyring.keyed_hash("trn", q), keyring.keyed_hash("provider_trainee_id", q)
            rows = await pool.fetch(_FIND, q, s.auditor.scope, *hashed)
            found = [_found(keyring, r) for r in rows]
            await access.record(
                pool, s.auditor, "page search", detail={"q": q}, request_id=request_id(request)
            )
        return _signed_in_page("Find a trainee · audit", page.search(q, found), s)

    @post("/sign-in", status_code=303)
    async def audit_sign_in(self, request: AnyRequest) -> Response[bytes]:
        """Check the token and the form's CSRF token, then start a session."""
        form = await request.form()
        if not same(form.get("csrf"), request.cookies.get(LOGIN_COOKIE)):
            return _sign_in_page(request, "The form expired; sign in again.", 403)
        token = str(form.get("token") or "").strip()
        auditor = await authenticate_auditor(request.app.state.read_pool, token or None)
        if auditor is None:
            return _sign_in_page(request, "That is not a valid audit token.", 401)
        value, _ = await open_session(request.app.state.read_pool, auditor)
        cookies = [
            _cookie(request, COOKIE, value, HOURS * 3600),
            _cookie(request, LOGIN_COOKIE, "", 0),
        ]
        return _redirect("/audit/", cookies)

    @post("/sign-out", status_code=303)
    async def audit_sign_out(self, request: AnyRequest) -> Response[bytes]:
        """End the session (the form must carry the session's CSRF token)."""
        s = await _session(request)
        form = await request.form()
        if s is None:
            return _redirect("/audit/")
        if not same(form.get("csrf"), s.csrf):
            body = page.layout("Refused · audit", "<p class=err>The form expired; try again.</p>")
            return _html(body, 403)
        await close_session(request.app.state.read_pool, request.cookies[COOKIE])
        return _redirect("/audit/", [_cookie(request, COOKIE, "", 0)])

    @get("/trainees/{trainee_id:str}")
    async def audit_trainee_page(
        self, request: AnyRequest, trainee_id: FromPath[str]
    ) -> Response[bytes]:
        """One trainee's verification, timeline and state at a chosen event."""
        s = await _session(request)
        if s is None:
            return _redirect("/audit/")
        try:
            version = vocabulary(request.query_params.get("vocabulary"))
            sequence = whole("sequence", request.query_params.get("sequence"), least=1)
        except BadParameter as exc:
            return _signed_in_page("Bad request · audit", f"<p class=err>{page.e(exc)}</p>", s, 400)
        app = request.app.state
        found = await timeline.load(app.read_pool, app.register.mapper, trainee_id)
        if found is None or not s.auditor.sees(found.provider_id):
            missing = "<p class=err>No such trainee within your token's providers.</p>"
            return _signed_in_page("Not found · audit", missing, s, 404)
        step = found.at_sequence(sequence) if sequence else found.steps[-1]
        if step is None:
            step = found.steps[-1]
        await access.record(
            app.read_pool,
            s.auditor,
            "page",
            trainee=(found.trainee_id, found.slug),
            detail={"vocabulary": version.name, "sequence": sequence},
            request_id=request_id(request),
        )
        async with app.read_pool.acquire() as conn:
            checked = await chain.verify(conn, trainee_uuid(found.slug))
        body = page.trainee(
            found.slug,
            timeline.entries(found, version),
            version.render(found.document(step)),
            step.sequence,
            version.name,
            VERSIONS,
            verification(found.slug, checked),
        )
        return _signed_in_page(f"Trainee {found.slug} · audit", body, s)
