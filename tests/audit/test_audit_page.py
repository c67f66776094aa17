"""The auditors' web page through HTTP: sign-in with CSRF, cookie flags, scope, sign-out."""

from __future__ import annotations

import re

from tests.api.lifecycle import create, port

LOGIN_CSRF = re.compile(r"name=csrf value='([^']+)'")
SESSION_CSRF = re.compile(r'name=csrf value="([^"]+)"')


async def signed_in(client, token: str):  # type: ignore[no-untyped-def]
    client.cookies.clear()
    form = await client.get("/audit/")
    csrf = LOGIN_CSRF.search(form.text).group(1)
    answer = await client.post(
        "/audit/sign-in", data={"csrf": csrf, "token": token}, follow_redirects=False
    )
    return answer


async def test_signing_in_needs_the_forms_csrf_token_and_a_valid_audit_token(
    client, provider, auditor
) -> None:
    client.cookies.clear()
    form = await client.get("/audit/")
    assert form.status_code == 200 and "Sign in" in form.text
    assert "default-src 'none'" in form.headers["content-security-policy"]
    assert "<script" not in form.text and "http" not in form.text.split("<body>")[1]
    forged = await client.post("/audit/sign-in", data={"csrf": "guess", "token": auditor.token})
    assert forged.status_code == 403
    client.cookies.clear()
    no_cookie = await client.post("/audit/sign-in", data={"token": auditor.token})
    assert no_cookie.status_code == 403
    wrong = await signed_in(client, provider.token)  # a provider's token is no audit token
    assert wrong.status_code == 401 and "not a valid audit token" in wrong.text
    ok = await signed_in(client, auditor.token)
    assert ok.status_code == 303 and ok.headers["location"] == "/audit/"
    cookie = next(c for c in ok.headers.get_list("set-cookie") if c.startswith("audit_session="))
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/audit" in cookie
    home = await client.get("/audit/")
    assert "Find a trainee" in home.text and "Sign out" in home.text


async def test_a_signed_in_auditor_finds_and_reads_a_trainee_within_scope(
    client, provider, other_provider, auditor
) -> None:
    mine = await create(client, provider, provider_trainee_id="PT-PAGE-1")
    port(client).trn_received(mine["trainee_id"], "2223334")
    theirs = await create(client, other_provider)
    await signed_in(client, auditor.token)
    for q in (mine["trainee_id"], "2223334", "PT-PAGE-1"):
        found = await client.get("/audit/", params={"q": q})
        assert f"/audit/trainees/{mine['trainee_id']}" in found.text, q
    hidden = await client.get("/audit/", params={"q": theirs["trainee_id"]})
    assert "No trainee found" in hidden.text
    page = await client.get(f"/audit/trainees/{mine['trainee_id']}?vocabulary=v2025.0")
    assert page.status_code == 200
    assert "Chain verified: 3 events" in page.text and "TrnReceived" in page.text
    assert "lead_partner_urn" in page.text and "training_partner_urn" not in page.text
    first = await client.get(f"/audit/trainees/{mine['trainee_id']}?sequence=1")
    assert "State after event 1" in first.text and "&quot;draft&quot;" in first.text
    other = await client.get(f"/audit/trainees/{theirs['trainee_id']}")
    assert other.status_code == 404
    bad = await client.get(f"/audit/trainees/{mine['trainee_id']}?vocabulary=v0")
    assert bad.status_code == 400 and "not a served API version" in bad.text


async def test_signing_out_needs_the_sessions_csrf_token_and_ends_the_session(
    client, auditor
) -> None:
    await signed_in(client, auditor.token)
    home = await client.get("/audit/")
    csrf = SESSION_CSRF.search(home.text).group(1)
    refused = await client.post("/audit/sign-out", data={"csrf": "forged"})
    assert refused.status_code == 403
    assert "Find a trainee" in (await client.get("/audit/")).text
    session = client.cookies.get("audit_session")
    done = await client.post("/audit/sign-out", data={"csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303
    client.cookies.set("audit_session", session, path="/audit")  # replaying the old cookie
    assert "Sign in" in (await client.get("/audit/")).text


async def test_pages_need_a_session(client, provider) -> None:
    client.cookies.clear()
    tid = (await create(client, provider))["trainee_id"]
    answer = await client.get(f"/audit/trainees/{tid}", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/audit/"
    bearer = await client.get(
        f"/audit/trainees/{tid}", headers=provider.headers, follow_redirects=False
    )
    assert bearer.status_code == 303
