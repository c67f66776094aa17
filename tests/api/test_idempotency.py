"""Idempotency-Key on writes: a repeat is answered the first answer, never applied twice."""

from __future__ import annotations

import secrets

import asyncpg

from tests.api.lifecycle import V, create
from tests.bodies import trainee


def keyed(provider, key: str | None = None) -> dict[str, str]:
    return {**provider.headers, "Idempotency-Key": key or secrets.token_hex(8)}


def version(response) -> int:
    return int(response.headers["etag"].strip('"'))


async def test_a_repeated_create_is_answered_the_first_answer(client, provider):
    headers, body = keyed(provider), {"data": trainee()}
    first = await client.post(f"{V}/trainees", json=body, headers=headers)
    again = await client.post(f"{V}/trainees", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    listed = await client.get(f"{V}/trainees", headers=provider.headers)
    assert listed.json()["meta"]["total_count"] == 1


async def test_a_repeated_placement_is_added_once(client, provider):
    tid = (await create(client, provider))["trainee_id"]
    headers = keyed(provider)
    body = {"data": {"urn": "123456", "name": "Oak School"}}
    answers = [
        await client.post(f"{V}/trainees/{tid}/placements", json=body, headers=headers)
        for _ in range(3)
    ]
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["data"]["placement_id"] for a in answers}) == 1
    read = await client.get(f"{V}/trainees/{tid}", headers=provider.headers)
    assert version(read) == version(answers[0]) == 3
    assert len(read.json()["placements"]) == 3


async def test_the_same_key_with_another_body_is_refused(client, provider):
    tid = (await create(client, provider))["trainee_id"]
    headers = keyed(provider)
    url = f"{V}/trainees/{tid}"
    first = await client.patch(url, json={"data": {"middle_names": "A"}}, headers=headers)
    other = await client.patch(url, json={"data": {"middle_names": "B"}}, headers=headers)
    elsewhere = await client.put(url, json={"data": {"middle_names": "A"}}, headers=headers)
    assert first.status_code == 200
    for refused in (other, elsewhere):
        assert refused.status_code == 422
        assert refused.json() == {
            "errors": [
                {
                    "error": "UnprocessableEntity",
                    "message": "This Idempotency-Key was already used for a different request;"
                    " send a new key with a new request",
                }
            ]
        }
    read = await client.get(url, headers=provider.headers)
    assert read.json()["middle_names"] == "A" and version(read) == 3


async def test_a_refusal_is_answered_again_too(client, provider):
    headers = keyed(provider)
    body = {"data": trainee(first_names=None, date_of_birth="1990-02-30")}
    first = await client.post(f"{V}/trainees", json=body, headers=headers)
    again = await client.post(f"{V}/trainees", json=body, headers=headers)
    assert first.status_code == again.status_code == 422
    assert again.content == first.content and again.headers["idempotent-replayed"] == "true"


async def test_keys_belong_to_a_token(client, provider, other_provider):
    key = secrets.token_hex(8)
    body = {"data": trainee()}
    mine = await client.post(f"{V}/trainees", json=body, headers=keyed(provider, key))
    theirs = await client.post(f"{V}/trainees", json=body, headers=keyed(other_provider, key))
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.json()["data"]["trainee_id"] != theirs.json()["data"]["trainee_id"]
    assert "idempotent-replayed" not in theirs.headers


async def test_an_unusable_key_is_a_bad_request(client, provider):
    for key in ("", " ", "x" * 256, "tab\there", '""'):
        headers = {**provider.headers, "Idempotency-Key": key}
        response = await client.post(f"{V}/trainees", json={"data": trainee()}, headers=headers)
        if key.strip() == "" and response.status_code != 400:
            continue  # an empty header may not reach the server at all
        assert response.status_code == 400, key
        assert response.json()["errors"][0]["error"] == "BadRequest"


async def test_a_quoted_key_is_the_same_key(client, provider):
    key = secrets.token_hex(8)
    body = {"data": trainee()}
    first = await client.post(f"{V}/trainees", json=body, headers=keyed(provider, key))
    quoted = await client.post(f"{V}/trainees", json=body, headers=keyed(provider, f'"{key}"'))
    assert quoted.content == first.content and quoted.headers["idempotent-replayed"] == "true"


async def test_reads_and_unauthenticated_writes_ignore_the_key(client, provider):
    tid = (await create(client, provider))["trainee_id"]
    headers = keyed(provider)
    assert (await client.get(f"{V}/trainees/{tid}", headers=headers)).status_code == 200
    anonymous = {"Idempotency-Key": headers["Idempotency-Key"]}
    refused = await client.post(f"{V}/trainees", json={"data": trainee()}, headers=anonymous)
    assert refused.status_code == 401
    done = await client.post(f"{V}/trainees/{tid}/defer", json={"data": {}}, headers=headers)
    assert done.status_code in (200, 422) and "idempotent-replayed" not in done.headers


async def test_an_answer_is_kept_a_day_then_forgotten(client, provider, database):
    headers = keyed(provider)
    first = await client.post(f"{V}/trainees", json={"data": trainee()}, headers=headers)
    conn = await asyncpg.connect(database.url)
    try:
        kept = await conn.fetchval(
            "SELECT expires_at - started_at FROM idempotency_keys WHERE key = $1",
            headers["Idempotency-Key"],
        )
        assert kept.total_seconds() == 24 * 3600
        await conn.execute(
            "UPDATE idempotency_keys SET expires_at = now() WHERE key = $1",
            headers["Idempotency-Key"],
        )
    finally:
        await conn.close()
    again = await client.post(f"{V}/trainees", json={"data": trainee()}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert "idempotent-replayed" not in again.headers
    assert again.json()["data"]["trainee_id"] != first.json()["data"]["trainee_id"]
