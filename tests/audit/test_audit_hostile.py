"""Hostile input on the auditors' side: never a 500, always a clear refusal."""

from __future__ import annotations

from tests.api.lifecycle import create

A = "/audit/v1"


async def test_odd_parameters_never_break_the_audit_api(client, provider, auditor) -> None:
    tid = (await create(client, provider))["trainee_id"]
    paths = [
        f"{A}/events?ukprn=%00",
        f"{A}/events?event=%00x&token_id=%00",
        f"{A}/events?from=%00",
        f"{A}/events?after=%00",
        f"{A}/events?after=" + "A" * 5000,
        f"{A}/events?limit=99999999999999999999999",
        f"{A}/trainees/{tid}?vocabulary=%00",
        f"{A}/trainees/{tid}?as_of=2026-13-45T99:99:99Z",
        f"{A}/trainees/{tid}?sequence=1e9",
        f"{A}/trainees/%00/events",
        f"{A}/trainees/{'x' * 5000}",
        f"{A}/verify",
        f"{A}/verify?trainee_id=%00",
    ]
    for path in paths:
        got = await client.get(path, headers=auditor.headers)
        assert got.status_code in (400, 404), (path, got.status_code, got.text)
        assert got.json()["errors"][0]["message"], path
    odd_tokens = ["Bearer ", "Bearer \x7f", "Bearer " + "t" * 10_000, "Basic abc"]
    for header in odd_tokens:
        got = await client.get(f"{A}/events", headers={"Authorization": header})
        assert got.status_code == 401, header


async def test_odd_input_never_breaks_the_page(client, auditor) -> None:
    client.cookies.clear()
    for path in ("/audit/?q=%00", "/audit/trainees/%00"):
        got = await client.get(path, follow_redirects=False)
        assert got.status_code in (200, 303)
    client.cookies.set("audit_session", "x" * 5000, path="/audit")
    assert (await client.get("/audit/")).status_code == 200
    got = await client.post(
        "/audit/sign-in",
        content=b"\x00\xff",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert got.status_code == 403
    client.cookies.clear()
