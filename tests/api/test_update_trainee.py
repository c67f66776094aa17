"""PUT and PATCH /trainees/{id}: partial updates, nulls, validation, concurrency (api.md 8.2)."""

from __future__ import annotations

import asyncio

from tests.bodies import trainee

V = "/api/v2026.1"


async def create(client, provider, **overrides):
    response = await client.post(
        f"{V}/trainees", json={"data": trainee(**overrides)}, headers=provider.headers
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def test_put_changes_only_the_fields_sent(client, provider):
    created = await create(client, provider)
    response = await client.put(
        f"{V}/trainees/{created['trainee_id']}",
        json={"data": {"first_names": "Johnny"}},
        headers=provider.headers,
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["first_names"] == "Johnny"
    assert data["last_name"] == created["last_name"]
    assert data["updated_at"] >= created["updated_at"]


async def test_patch_is_the_same_partial_update(client, provider):
    created = await create(client, provider)
    response = await client.patch(
        f"{V}/trainees/{created['trainee_id']}",
        json={"data": {"last_name": "Smith"}},
        headers=provider.headers,
    )
    assert response.json()["data"]["last_name"] == "Smith"


async def test_an_update_reads_back(client, provider):
    created = await create(client, provider)
    tid = created["trainee_id"]
    await client.put(
        f"{V}/trainees/{tid}", json={"data": {"email": "new@example.com"}}, headers=provider.headers
    )
    response = await client.get(f"{V}/trainees/{tid}", headers=provider.headers)
    assert response.json()["email"] == "new@example.com"


async def test_null_is_ignored_except_for_ethnicity_and_extra_subjects(client, provider):
    created = await create(client, provider, ethnicity="120", course_subject_2="100425")
    response = await client.put(
        f"{V}/trainees/{created['trainee_id']}",
        json={"data": {"first_names": None, "ethnicity": None, "course_subject_2": None}},
        headers=provider.headers,
    )
    data = response.json()["data"]
    assert data["first_names"] == "John"
    assert (data["ethnicity"], data["ethnic_background"]) == ("997", "Not provided")
    assert data["course_subject_2"] is None


async def test_a_blank_required_field_is_refused_on_update(client, provider):
    created = await create(client, provider)
    response = await client.put(
        f"{V}/trainees/{created['trainee_id']}",
        json={"data": {"sex": ""}},
        headers=provider.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == ["sex can't be blank"]


async def test_disabilities_sent_on_update_merge_by_key(client, provider):
    created = await create(client, provider)
    response = await client.put(
        f"{V}/trainees/{created['trainee_id']}",
        json={"data": {"disability2": "57"}},
        headers=provider.headers,
    )
    data = response.json()["data"]
    assert (data["disability1"], data["disability2"]) == ("58", "57")


async def test_nested_degrees_in_an_update_are_ignored(client, provider):
    created = await create(client, provider)
    response = await client.put(
        f"{V}/trainees/{created['trainee_id']}",
        json={"data": {"degrees_attributes": []}},
        headers=provider.headers,
    )
    assert len(response.json()["data"]["degrees"]) == 1


async def test_an_update_that_changes_nothing_still_answers_the_trainee(client, provider):
    created = await create(client, provider)
    response = await client.put(
        f"{V}/trainees/{created['trainee_id']}",
        json={"data": {"first_names": "John"}},
        headers=provider.headers,
    )
    assert response.status_code == 200
    assert response.json()["data"]["updated_at"] == created["updated_at"]


async def test_updating_another_providers_trainee_is_not_found(client, provider, other_provider):
    created = await create(client, provider)
    response = await client.put(
        f"{V}/trainees/{created['trainee_id']}",
        json={"data": {"first_names": "X"}},
        headers=other_provider.headers,
    )
    assert response.status_code == 404
    unchanged = await client.get(f"{V}/trainees/{created['trainee_id']}", headers=provider.headers)
    assert unchanged.json()["first_names"] == "John"


async def test_updating_an_unknown_trainee_is_not_found(client, provider):
    response = await client.put(
        f"{V}/trainees/nosuchtrainee", json={"data": {"first_names": "X"}}, headers=provider.headers
    )
    assert response.json() == {"errors": [{"error": "NotFound", "message": "Trainee(s) not found"}]}


async def test_a_stale_if_match_is_a_conflict(client, provider):
    created = await create(client, provider)
    tid = created["trainee_id"]
    headers = {**provider.headers, "If-Match": '"2"'}
    first = await client.put(
        f"{V}/trainees/{tid}", json={"data": {"first_names": "A"}}, headers=headers
    )
    second = await client.put(
        f"{V}/trainees/{tid}", json={"data": {"first_names": "B"}}, headers=headers
    )
    assert (first.status_code, second.status_code) == (200, 409)
    assert second.json()["errors"][0]["error"] == "Conflict"


async def test_concurrent_updates_lose_nothing(client, provider):
    created = await create(client, provider)
    tid = created["trainee_id"]
    names = [f"Name{i}" for i in range(8)]
    responses = await asyncio.gather(
        *[
            client.patch(
                f"{V}/trainees/{tid}", json={"data": {"middle_names": n}}, headers=provider.headers
            )
            for n in names
        ]
    )
    accepted = [r for r in responses if r.status_code == 200]
    assert all(r.status_code in (200, 409) for r in responses)
    final = (await client.get(f"{V}/trainees/{tid}", headers=provider.headers)).json()
    history_length = int(
        (await client.get(f"{V}/trainees/{tid}", headers=provider.headers))
        .headers["etag"]
        .strip('"')
    )
    assert history_length == 2 + len(accepted)
    assert final["middle_names"] in names
