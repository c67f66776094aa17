"""Rate limiting per token (shared by every replica through PostgreSQL) and the body size limit."""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

import asyncpg

from service.accounts import token_hash
from service.changes import Changes
from service.ratelimit import LEASE_SECONDS, Limiter
from tests.bodies import trainee
from tests.conftest import new_provider, sql
from tests.ops.conftest import hearing

V = "/api/v2026.1"


async def fresh_window(seconds: int) -> None:
    """Wait for the next fixed window when the current one ends within a second."""
    left = math.ceil(time.time() / seconds) * seconds - time.time()
    if left < 1:
        await asyncio.sleep(left + 0.05)


async def test_a_token_over_the_limit_is_told_to_retry_later(open_app, provider):
    app = await open_app(rate_limit=3, rate_limit_window=60)
    await fresh_window(60)
    for _ in range(3):
        assert (await app.get(f"{V}/info", headers=provider.headers)).status_code == 200
    refused = await app.get(f"{V}/info", headers=provider.headers)
    assert refused.status_code == 429
    assert refused.text == "Retry later\n"
    assert refused.headers["content-type"] == "text/plain"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["x-request-id"]


async def test_every_api_answer_states_the_policy_and_what_is_left_of_it(open_app, provider):
    app = await open_app(rate_limit=3, rate_limit_window=60)
    await fresh_window(60)
    answers = [
        await app.get(f"{V}/info", headers=provider.headers),
        await app.get(f"{V}/trainees/nobody", headers=provider.headers),
        await app.post(f"{V}/trainees", json={"data": {}}, headers=provider.headers),
        await app.get(f"{V}/info", headers=provider.headers),
    ]
    assert [a.status_code for a in answers] == [200, 404, 422, 429]
    assert {a.headers["ratelimit-policy"] for a in answers} == {'"default";q=3;w=60'}
    remaining = []
    for answer in answers:
        name, r, t = answer.headers["ratelimit"].split(";")
        assert name == '"default"' and r.startswith("r=") and t.startswith("t=")
        remaining.append(int(r[2:]))
        assert 1 <= int(t[2:]) <= 60
    assert remaining == [2, 1, 0, 0]
    assert (
        answers[-1].headers["ratelimit"].split(";")[2] == "t=" + answers[-1].headers["retry-after"]
    )
    unlimited = await app.get("/healthz")
    assert "ratelimit" not in unlimited.headers and "ratelimit-policy" not in unlimited.headers


async def test_tokens_are_limited_separately_and_requests_without_one_by_address(
    open_app, provider, other_provider, database
):
    app = await open_app(rate_limit=2, rate_limit_window=60)
    await fresh_window(60)
    conn = await asyncpg.connect(database.url)  # other tests' requests came from this address too
    await conn.execute("DELETE FROM rate_limit_counters WHERE key = 'ip:testclient'")
    await conn.close()
    for _ in range(2):
        assert (await app.get(f"{V}/info", headers=provider.headers)).status_code == 200
    assert (await app.get(f"{V}/info", headers=provider.headers)).status_code == 429
    assert (await app.get(f"{V}/info", headers=other_provider.headers)).status_code == 200
    anonymous = [(await app.get(f"{V}/info")).status_code for _ in range(3)]
    assert anonymous == [401, 401, 429]


async def test_the_count_is_shared_by_every_replica(open_app, database):
    caller = await new_provider(database)
    first, second = await open_app(rate_limit=3), await open_app(rate_limit=3)
    await fresh_window(60)
    assert (await first.get(f"{V}/info", headers=caller.headers)).status_code == 200
    assert (await second.get(f"{V}/info", headers=caller.headers)).status_code == 200
    assert (await first.get(f"{V}/info", headers=caller.headers)).status_code == 200
    assert (await second.get(f"{V}/info", headers=caller.headers)).status_code == 429


async def test_the_limit_starts_again_in_the_next_window(open_app, provider):
    app = await open_app(rate_limit=1, rate_limit_window=1)
    assert (await app.get(f"{V}/info", headers=provider.headers)).status_code == 200
    refused = await app.get(f"{V}/info", headers=provider.headers)
    if refused.status_code == 429:  # not yet in the next window
        await asyncio.sleep(int(refused.headers["retry-after"]) + 0.1)
    assert (await app.get(f"{V}/info", headers=provider.headers)).status_code == 200


async def test_concurrent_requests_are_all_counted(open_app, provider):
    app = await open_app(rate_limit=10, rate_limit_window=60)
    await fresh_window(60)
    answers = await asyncio.gather(
        *(app.get(f"{V}/info", headers=provider.headers) for _ in range(15))
    )
    assert sorted(a.status_code for a in answers) == [200] * 10 + [429] * 5


async def test_a_body_over_the_limit_is_refused_before_anything_else(open_app, provider):
    app = await open_app(max_body_bytes=2048)
    body = {"data": trainee(additional_ethnic_background="x" * 3000)}
    response = await app.post(f"{V}/trainees", json=body, headers=provider.headers)
    assert response.status_code == 413
    assert response.json() == {
        "errors": [
            {"error": "PayloadTooLarge", "message": "The request body must be at most 2048 bytes"}
        ]
    }
    unauthenticated = await app.post(f"{V}/trainees", json=body)
    assert unauthenticated.status_code == 413


async def test_a_body_within_the_limit_is_served(open_app, provider):
    app = await open_app(max_body_bytes=4096)
    response = await app.post(f"{V}/trainees", json={"data": trainee()}, headers=provider.headers)
    assert response.status_code == 201, response.text


async def counted_hits(database, caller) -> int:
    key = "token:" + token_hash(caller.token)
    (row,) = await sql(database, "SELECT hits FROM rate_limit_counters WHERE key = $1", key)
    return row["hits"]


async def test_far_from_the_limit_a_replica_counts_a_lease_of_requests_at_once(open_app, database):
    caller = await new_provider(database)
    app = await open_app(rate_limit=1600, rate_limit_lease=64)
    await fresh_window(60)
    answers = [await app.get(f"{V}/info", headers=caller.headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert await counted_hits(database, caller) == 64  # one statement counted 64 requests
    assert [a.headers["ratelimit"].split(";")[1] for a in answers] == ["r=1599", "r=1598", "r=1597"]


async def test_a_lease_of_one_counts_every_request_in_the_database(open_app, database):
    caller = await new_provider(database)
    app = await open_app(rate_limit=1600, rate_limit_lease=1)
    await fresh_window(60)
    for _ in range(3):
        assert (await app.get(f"{V}/info", headers=caller.headers)).status_code == 200
    assert await counted_hits(database, caller) == 3


async def test_replicas_leasing_requests_never_let_a_client_past_its_limit(open_app, database):
    caller = await new_provider(database)
    replicas = [await open_app(rate_limit=96, rate_limit_lease=64) for _ in range(2)]
    await fresh_window(60)
    burst = await asyncio.gather(
        *(replicas[n % 2].get(f"{V}/info", headers=caller.headers) for n in range(80))
    )
    served = sum(a.status_code == 200 for a in burst)
    assert served == 80 - sum(a.status_code == 429 for a in burst) and served <= 96
    for replica in replicas:  # each replica goes on until it is refused: no lease is left over
        while (await replica.get(f"{V}/info", headers=caller.headers)).status_code == 200:
            served += 1
    assert served == 96


async def test_a_revoked_token_is_refused_while_its_replica_holds_a_lease(open_app, database):
    caller = await new_provider(database)
    app = await open_app(rate_limit=1600, rate_limit_lease=64)
    assert (await app.get(f"{V}/info", headers=caller.headers)).status_code == 200
    await sql(database, "UPDATE api_tokens SET revoked_at = now() WHERE id = $1", caller.token_id)
    await asyncio.sleep(0.05)  # the announcement reaches the replica
    assert (await app.get(f"{V}/info", headers=caller.headers)).status_code == 401


async def test_without_the_announcement_a_lease_ends_within_its_life(open_app, database):
    caller = await new_provider(database)
    app = await open_app(rate_limit=1600, rate_limit_lease=64)
    assert (await app.get(f"{V}/info", headers=caller.headers)).status_code == 200
    conn = await asyncpg.connect(database.url)
    try:
        async with conn.transaction():  # revoked without telling the replicas
            await conn.execute("ALTER TABLE api_tokens DISABLE TRIGGER api_tokens_changed")
            await conn.execute(
                "UPDATE api_tokens SET revoked_at = now() WHERE id = $1", caller.token_id
            )
            await conn.execute("ALTER TABLE api_tokens ENABLE TRIGGER api_tokens_changed")
    finally:
        await conn.close()
    await asyncio.sleep(LEASE_SECONDS)
    assert (await app.get(f"{V}/info", headers=caller.headers)).status_code == 401


async def test_a_replica_that_cannot_hear_token_changes_counts_every_request(open_app, database):
    caller = await new_provider(database)
    app = await open_app(rate_limit=16000, rate_limit_lease=64)
    await fresh_window(60)
    assert (await app.get(f"{V}/info", headers=caller.headers)).status_code == 200
    assert await counted_hits(database, caller) == 64  # a lease
    await sql(
        database,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE application_name = 'trainees changes'",
    )
    await asyncio.sleep(0.2)  # the replica sees its listening connection close
    for _ in range(3):
        assert (await app.get(f"{V}/info", headers=caller.headers)).status_code == 200
    assert await counted_hits(database, caller) == 67  # one by one, the lease dropped
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # it listens again, and leases again
        await asyncio.sleep(0.2)
        before = await counted_hits(database, caller)
        assert (await app.get(f"{V}/info", headers=caller.headers)).status_code == 200
        if await counted_hits(database, caller) - before > 1:
            break
    else:
        raise AssertionError("the replica never leased again")


class CountingPool:
    """Counts as the limiter's statement does, for a test of the leases' bookkeeping alone."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}

    async def fetch(self, query, key, window, digest, ask, timeout):
        self.hits[key] = self.hits.get(key, 0) + ask
        return [(self.hits[key], 30.0, None, None, None, None)]


def leasing(changes: Changes) -> Limiter:
    return Limiter(limit=1600, window=60, lease_max=64, timeout=5, changes=changes)


async def test_a_flood_of_clients_leaves_a_bounded_number_of_leases(database):
    async with hearing(database, leasing) as limiter:
        pool = CountingPool()
        for n in range(25_000):  # each address one request, all within their leases' life
            assert (await limiter.hit(pool, f"ip:192.0.2.{n}", None)).allowed  # type: ignore[arg-type]
        assert limiter.held < 10_000
        assert all(hits == 64 for hits in pool.hits.values())  # every one was counted


class ChangedMeanwhile(CountingPool):
    """Counts, and a change to the tokens is announced and heard while the statement runs."""

    def __init__(self, database: Any, changes: Changes) -> None:
        super().__init__()
        self.database, self.changes = database, changes

    async def fetch(self, query, key, window, digest, ask, timeout):
        before = self.changes.forgotten
        await sql(self.database, "SELECT pg_notify('trainees_tokens', '')")  # as a revocation
        deadline = time.monotonic() + 5
        while self.changes.forgotten == before and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert self.changes.forgotten != before, "the announcement was never heard"
        return await super().fetch(query, key, window, digest, ask, timeout)


async def test_a_lease_taken_while_a_token_change_is_heard_is_not_kept(database):
    async with hearing(database, leasing) as limiter:
        pool = ChangedMeanwhile(database, limiter.changes)
        first = await limiter.hit(pool, "ip:192.0.2.1", None)  # type: ignore[arg-type]
        assert (first.allowed, first.hits, limiter.held) == (True, 1, 0)
        await limiter.hit(pool, "ip:192.0.2.1", None)  # type: ignore[arg-type]
        assert pool.hits == {"ip:192.0.2.1": 128}  # the second request was counted again
