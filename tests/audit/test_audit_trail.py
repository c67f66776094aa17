"""The audit trail across trainees: filters, scope, a stable cursor, streamed exports."""

from __future__ import annotations

import csv
import io
import json

from tests.api.lifecycle import V, create
from tests.audit.conftest import Store, audit_token, catch_up
from tests.conftest import new_provider

A = "/audit/v1"


async def all_pages(store: Store, headers: dict[str, str], **params: str) -> list[dict]:  # type: ignore[type-arg]
    out, after = [], None
    while True:
        query = {**params, **({"after": after} if after else {})}
        got = await store.client.get(f"{A}/events", params=query, headers=headers)
        assert got.status_code == 200, got.text
        out += got.json()["data"]
        after = got.json()["next"]
        if after is None:
            return out


async def test_the_trail_pages_through_the_tokens_trainees_only(store: Store) -> None:
    other = await new_provider(store.database)
    mine = [(await create(store.client, store.provider))["trainee_id"] for _ in range(3)]
    theirs = (await create(store.client, other))["trainee_id"]
    await catch_up(store.database)
    scoped = await audit_token(store.database, store.provider.ukprn)
    entries = await all_pages(store, scoped.headers, limit="2")
    assert {e["trainee_id"] for e in entries} >= set(mine) and theirs not in str(entries)
    positions = [e["position"] for e in entries]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    first = entries[0]
    assert first["event"] == "Registered" and first["actor_type"] == "provider"
    assert first["token_id"] == store.provider.token_id and first["ukprn"] == store.provider.ukprn
    everyone = await audit_token(store.database)
    across = await all_pages(store, everyone.headers, ukprn=other.ukprn)
    assert [e["event"] for e in across] == ["Registered", "SubmittedForTrn"]
    assert {e["trainee_id"] for e in across} == {theirs}


async def test_the_cursor_is_stable_under_appends_and_bound_to_its_query(store: Store) -> None:
    auditor = store.auditor
    await create(store.client, store.provider)
    await catch_up(store.database)
    first = await store.client.get(
        f"{A}/events", params={"limit": "1", "event": "Registered"}, headers=auditor.headers
    )
    cursor = first.json()["next"]
    seen = [e["position"] for e in first.json()["data"]]
    late = (await create(store.client, store.provider))["trainee_id"]
    await catch_up(store.database)
    rest = await all_pages(store, auditor.headers, limit="1", event="Registered", after=cursor)
    assert rest and all(e["position"] > seen[0] for e in rest)
    assert rest[-1]["trainee_id"] == late and all(e["event"] == "Registered" for e in rest)
    for params in (
        {"after": cursor, "event": "Withdrawn"},
        {"after": "not-a-cursor"},
        {"after": cursor[:-2] + "xx"},
    ):
        refused = await store.client.get(f"{A}/events", params=params, headers=auditor.headers)
        assert refused.status_code == 400 and "cursor" in refused.json()["errors"][0]["message"]
    stranger = await audit_token(store.database)
    taken = await store.client.get(
        f"{A}/events", params={"after": cursor, "event": "Registered"}, headers=stranger.headers
    )
    assert taken.status_code == 400


async def test_the_trail_filters_by_time_event_and_token(store: Store) -> None:
    t = await create(store.client, store.provider)
    await store.client.patch(
        f"{V}/trainees/{t['trainee_id']}",
        json={"data": {"last_name": "Filtered"}},
        headers=store.provider.headers,
    )
    await catch_up(store.database)
    changed = await all_pages(store, store.auditor.headers, event="DetailsChanged")
    assert changed and all(e["event"] == "DetailsChanged" for e in changed)
    at = changed[-1]["at"]
    since = await all_pages(store, store.auditor.headers, **{"from": at})
    assert since and all(e["at"] >= at for e in since)
    before = await all_pages(store, store.auditor.headers, to=at)
    assert all(e["at"] < at for e in before)
    by_token = await all_pages(store, store.auditor.headers, token_id="nobody")
    assert by_token == []
    for query in ("from=yesterday", "to=2026-01-01T00:00:00", "limit=0", "limit=5000"):
        got = await store.client.get(f"{A}/events?{query}", headers=store.auditor.headers)
        assert got.status_code == 400, query


async def test_the_trail_streams_as_csv_and_json_lines(store: Store) -> None:
    await create(store.client, store.provider)
    await catch_up(store.database)
    paged = await all_pages(store, store.auditor.headers)
    lines = await store.client.get(
        f"{A}/events", headers={**store.auditor.headers, "Accept": "application/x-ndjson"}
    )
    assert lines.status_code == 200
    assert lines.headers["content-type"].startswith("application/x-ndjson")
    assert [json.loads(line) for line in lines.text.splitlines()] == paged
    table = await store.client.get(
        f"{A}/events", headers={**store.auditor.headers, "Accept": "text/csv"}
    )
    assert table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert [int(r["position"]) for r in rows] == [e["position"] for e in paged]
    assert rows[0]["token_id"] == paged[0]["token_id"]
