"""GET /info, authentication and the answers for unknown versions and paths (api.md 1.1, 2.3, 3)."""

from __future__ import annotations

from datetime import timedelta

import asyncpg

from service.clock import today
from tests.conftest import new_provider

NOT_FOUND = {"errors": [{"error": "NotFound", "message": "Not found"}]}


async def test_info_reports_requested_and_latest_version(client, provider):
    response = await client.get("/api/v2026.1/info", headers=provider.headers)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": {"requested": "v2026.1", "latest": "v2026.1"},
    }


async def test_info_without_a_token_is_unauthorized(client):
    response = await client.get("/api/v2026.1/info")
    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized"}
    assert "www-authenticate" not in response.headers


async def test_an_unknown_token_is_unauthorized(client):
    response = await client.get("/api/v2026.1/info", headers={"Authorization": "Bearer nope"})
    assert (response.status_code, response.json()) == (401, {"error": "Unauthorized"})


async def test_a_bare_token_without_the_bearer_word_is_accepted(client, provider):
    response = await client.get("/api/v2026.1/info", headers={"Authorization": provider.token})
    assert response.status_code == 200


async def test_another_scheme_than_bearer_is_unauthorized(client, provider):
    response = await client.get(
        "/api/v2026.1/info", headers={"Authorization": f"Basic {provider.token}"}
    )
    assert response.status_code == 401


async def test_a_revoked_token_is_unauthorized(client, database, provider):
    conn = await asyncpg.connect(database.url)
    await conn.execute("UPDATE api_tokens SET revoked_at = now() WHERE id = $1", provider.token_id)
    await conn.close()
    response = await client.get("/api/v2026.1/info", headers=provider.headers)
    assert (response.status_code, response.json()) == (401, {"error": "Unauthorized"})


async def test_a_token_expiring_today_is_unauthorized(client, database):
    expired = await new_provider(database, expires_on=today())
    response = await client.get("/api/v2026.1/info", headers=expired.headers)
    assert response.status_code == 401


async def test_a_token_expiring_tomorrow_is_accepted(client, database):
    valid = await new_provider(database, expires_on=today() + timedelta(days=1))
    response = await client.get("/api/v2026.1/info", headers=valid.headers)
    assert response.status_code == 200


async def test_a_token_of_a_discarded_provider_is_unauthorized(client, database, provider):
    conn = await asyncpg.connect(database.url)
    await conn.execute(
        "UPDATE providers SET discarded_at = now() WHERE id = $1", provider.provider_id
    )
    await conn.close()
    response = await client.get("/api/v2026.1/info", headers=provider.headers)
    assert response.status_code == 401


async def test_an_unknown_version_answers_not_found_after_authentication(client, provider):
    response = await client.get("/api/v9.9/info", headers=provider.headers)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


async def test_an_unknown_version_without_a_token_is_unauthorized(client):
    response = await client.get("/api/v9.9/trainees")
    assert response.status_code == 401


async def test_a_segment_that_is_no_version_is_a_plain_not_found(client, provider):
    response = await client.get("/api/latest/info", headers=provider.headers)
    assert response.status_code == 404
    assert response.json() != NOT_FOUND


async def test_an_unknown_path_under_a_version_is_not_found(client, provider):
    response = await client.get("/api/v2026.1/nothing/here", headers=provider.headers)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


async def test_an_unknown_path_without_a_token_is_unauthorized_first(client):
    response = await client.post("/api/v2026.1/nothing")
    assert (response.status_code, response.json()) == (401, {"error": "Unauthorized"})


async def test_deleting_a_trainee_is_not_a_route(client, provider):
    response = await client.delete("/api/v2026.1/trainees/abc", headers=provider.headers)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


async def test_reinstate_is_not_a_route(client, provider):
    response = await client.post("/api/v2026.1/trainees/abc/reinstate", headers=provider.headers)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
