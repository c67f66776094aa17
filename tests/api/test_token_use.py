"""Authentication rides on the rate limiter's statement; without it, it queries on its own."""

from __future__ import annotations

import asyncpg

from service.accounts import authenticate


async def test_a_request_records_the_tokens_last_use(client, database, provider):
    assert (await client.get("/api/v2026.1/info", headers=provider.headers)).status_code == 200
    conn = await asyncpg.connect(database.url)
    used = await conn.fetchval(
        "SELECT last_used_on = CURRENT_DATE FROM api_tokens WHERE id = $1", provider.token_id
    )
    await conn.close()
    assert used is True


async def test_without_the_rate_limiters_answer_the_token_is_looked_up(database, provider):
    pool = await asyncpg.create_pool(database.url, min_size=1, max_size=1)
    try:
        found = await authenticate(pool, f"Bearer {provider.token}")
        refused = await authenticate(pool, "Bearer trainees_nope")
        told_invalid = await authenticate(pool, f"Bearer {provider.token}", (None, None))
    finally:
        await pool.close()
    assert found is not None and found.provider_id == provider.provider_id
    assert refused is None and told_invalid is None
