"""The audit API through HTTP: events, past states, scope, tokens and bad parameters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.lifecycle import V, act, create, in_state, port
from tests.audit.conftest import audit_token

A = "/audit/v1"


async def test_the_events_say_who_changed_what_through_which_version(
    client, provider, auditor
) -> None:
    t = await create(client, provider, last_name="Jones")
    tid = t["trainee_id"]
    patched = await client.patch(
        f"/api/v2025.0/trainees/{tid}",
        json={"data": {"last_name": "Smith"}},
        headers={**provider.headers, "X-Request-Id": "req-audit-1"},
    )
    assert patched.status_code == 200, patched.text
    port(client).trn_received(tid, "7654321")

    got = await client.get(f"{A}/trainees/{tid}/events", headers=auditor.headers)
    assert got.status_code == 200, got.text
    events = got.json()["data"]
    assert [e["event"] for e in events] == [
        "Registered",
        "SubmittedForTrn",
        "DetailsChanged",
        "TrnReceived",
    ]
    assert [e["sequence"] for e in events] == [1, 2, 3, 4]
    first, _, changed, trn = events
    assert first["actor"] == {
        "type": "provider",
        "provider_id": provider.provider_id,
        "token_id": provider.token_id,
        "api_version": "v2026.1",
        "request_id": first["request_id"],
    }
    assert first["changes"]["last_name"] == {"from": None, "to": "Jones"}
    assert changed["api_version"] == "v2025.0" and changed["request_id"] == "req-audit-1"
    assert changed["changes"] == {"last_name": {"from": "Jones", "to": "Smith"}}
    assert trn["actor"] == {"type": "teacher_record_system", "recorded_by": "test-operator"}
    assert trn["changes"]["trn"] == {"from": None, "to": "7654321"}
    assert all(len(e["hash"]) == 64 for e in events)
    assert len({e["hash"] for e in events}) == 4


async def test_an_older_vocabulary_names_the_fields_as_that_version_does(
    client, provider, auditor
) -> None:
    t = await create(client, provider)
    tid = t["trainee_id"]
    withdrawn = await act(
        client,
        provider,
        tid,
        "withdraw",
        withdrawal_date=t["itt_start_date"],
        trigger="provider",
        reasons=["record_added_in_error"],
        future_interest="no",
    )
    assert withdrawn.status_code == 200, withdrawn.text
    for vocabulary, name in (("v2025.0", "withdraw_date"), ("v2025.0-rc", "withdraw_date")):
        got = await client.get(
            f"{A}/trainees/{tid}/events?vocabulary={vocabulary}", headers=auditor.headers
        )
        assert got.status_code == 200, got.text
        last = got.json()["data"][-1]
        assert name in last["changes"] and "withdrawal_date" not in last["changes"]
    head = await client.get(f"{A}/trainees/{tid}/events", headers=auditor.headers)
    assert "withdrawal_date" in head.json()["data"][-1]["changes"]


@pytest.mark.parametrize("state", ["trn_received", "withdrawn", "awarded"])
async def test_the_current_state_equals_what_each_version_serves(
    client, provider, auditor, state
) -> None:
    t = await in_state(client, provider, state)
    tid = t["trainee_id"]
    added = await client.post(
        f"{V}/trainees/{tid}/placements",
        json={"data": {"urn": "100001", "name": "Hillcrest Academy"}},
        headers=provider.headers,
    )
    assert added.status_code in (201, 422), added.text
    for version in ("v2026.1", "v2026.0", "v2025.0", "v2025.0-rc", "v1.0-pre", "v0.1"):
        served = await client.get(f"/api/{version}/trainees/{tid}", headers=provider.headers)
        audited = await client.get(
            f"{A}/trainees/{tid}?vocabulary={version}", headers=auditor.headers
        )
        assert audited.status_code == 200, audited.text
        assert audited.json()["data"] == served.json(), version


async def test_the_state_at_a_past_time_or_sequence_is_as_it_was_then(
    client, provider, auditor
) -> None:
    t = await create(client, provider, last_name="Before")
    tid = t["trainee_id"]
    between = datetime.now(UTC)
    await client.patch(
        f"{V}/trainees/{tid}", json={"data": {"last_name": "After"}}, headers=provider.headers
    )
    then = await client.get(
        f"{A}/trainees/{tid}", params={"as_of": between.isoformat()}, headers=auditor.headers
    )
    assert then.status_code == 200, then.text
    assert then.json()["data"]["last_name"] == "Before" and then.json()["sequence"] == 2
    first = await client.get(f"{A}/trainees/{tid}?sequence=1", headers=auditor.headers)
    assert first.json()["data"]["state"] == "draft"
    now = await client.get(f"{A}/trainees/{tid}", headers=auditor.headers)
    assert now.json()["data"]["last_name"] == "After" and now.json()["sequence"] == 3
    before = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    gone = await client.get(
        f"{A}/trainees/{tid}", params={"as_of": before}, headers=auditor.headers
    )
    assert gone.status_code == 404 and gone.json()["errors"][0]["error"] == "NotFound"
    beyond = await client.get(f"{A}/trainees/{tid}?sequence=99", headers=auditor.headers)
    assert beyond.status_code == 404


async def test_bad_parameters_are_refused_with_a_message(client, provider, auditor) -> None:
    tid = (await create(client, provider))["trainee_id"]
    cases = {
        "vocabulary=v9.9": "vocabulary",
        "as_of=yesterday": "as_of",
        "as_of=2026-03-01T12:00:00": "time zone",
        "sequence=-1": "sequence",
        "sequence=abc": "sequence",
        "sequence=1&as_of=2026-03-01T12:00:00Z": "not both",
    }
    for query, words in cases.items():
        got = await client.get(f"{A}/trainees/{tid}?{query}", headers=auditor.headers)
        assert got.status_code == 400, query
        assert words in got.json()["errors"][0]["message"], query


async def test_tokens_of_one_kind_are_refused_on_the_other_side(client, provider, auditor) -> None:
    tid = (await create(client, provider))["trainee_id"]
    for path in (f"{V}/trainees/{tid}", f"{V}/trainees", f"{V}/info"):
        refused = await client.get(path, headers=auditor.headers)
        assert refused.status_code in (401, 403) and "trainee_id" not in refused.text
    written = await client.post(f"{V}/trainees", json={"data": {}}, headers=auditor.headers)
    assert written.status_code in (401, 403)
    for path in (f"{A}/trainees/{tid}", f"{A}/trainees/{tid}/events", f"{A}/events"):
        refused = await client.get(path, headers=provider.headers)
        assert refused.status_code == 403, path
        assert refused.json()["errors"][0]["error"] == "Forbidden"
        anonymous = await client.get(path)
        assert anonymous.status_code == 401 and anonymous.json()["errors"]


async def test_an_auditor_of_one_provider_sees_nothing_of_another(
    client, database, provider, other_provider, auditor
) -> None:
    theirs = (await create(client, other_provider))["trainee_id"]
    for path in (f"{A}/trainees/{theirs}", f"{A}/trainees/{theirs}/events"):
        got = await client.get(path, headers=auditor.headers)
        assert got.status_code == 404 and theirs not in got.text
    verify = await client.get(f"{A}/verify?trainee_id={theirs}", headers=auditor.headers)
    assert verify.status_code == 404
    everyone = await audit_token(database)
    seen = await client.get(f"{A}/trainees/{theirs}/events", headers=everyone.headers)
    assert seen.status_code == 200
    both = await audit_token(database, provider.ukprn, other_provider.ukprn)
    assert (await client.get(f"{A}/trainees/{theirs}", headers=both.headers)).status_code == 200
