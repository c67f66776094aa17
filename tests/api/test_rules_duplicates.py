"""Duplicate trainees on create (domain.md 2.10; api.md 7.6)."""

from __future__ import annotations

from tests.bodies import trainee

V = "/api/v2026.1"
CONFLICT = [{"error": "Conflict", "message": "This trainee is already in Register"}]
PERSON = {
    "first_names": "Ada Mary",
    "last_name": "Lovelace",
    "date_of_birth": "1990-12-10",
    "email": "ada@example.com",
    "itt_start_date": "2025-09-01",
    "itt_end_date": "2026-07-31",
}


async def post(client, provider, version="v2026.1", **overrides):
    body = trainee(**{**PERSON, **overrides})
    return await client.post(
        f"/api/{version}/trainees", json={"data": body}, headers=provider.headers
    )


async def first(client, provider):
    response = await post(client, provider)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def test_duplicate_trainee_is_a_conflict_listing_the_existing_trainee(client, provider):
    existing = await first(client, provider)
    response = await post(client, provider)
    assert response.status_code == 409
    assert response.json()["errors"] == CONFLICT
    (duplicate,) = response.json()["data"]
    assert duplicate["trainee_id"] == existing["trainee_id"]
    assert duplicate == {**existing, "updated_at": duplicate["updated_at"]}


async def test_duplicate_trainee_by_first_forename_ignoring_case_and_punctuation(client, provider):
    await first(client, provider)
    response = await post(
        client, provider, first_names="ADA-", last_name="LOVELACE", email="other@example.com"
    )
    assert response.status_code == 409


async def test_duplicate_trainee_by_email_with_another_first_name(client, provider):
    await first(client, provider)
    response = await post(client, provider, first_names="Augusta", email="ADA@EXAMPLE.COM")
    assert response.status_code == 409


async def test_duplicate_trainee_needs_the_same_cycle_route_and_identity(client, provider):
    await first(client, provider)
    differences = (
        {"first_names": "Augusta", "email": "augusta@example.com"},
        {"training_route": "03"},
        {"itt_start_date": "2024-09-01", "itt_end_date": "2025-07-31"},
        {"date_of_birth": "1990-12-11"},
        {"last_name": "Byron"},
    )
    for change in differences:
        response = await post(client, provider, **change)
        assert response.status_code == 201, (change, response.text)


async def test_duplicate_trainee_only_among_the_providers_own(client, provider, other_provider):
    await first(client, provider)
    response = await post(client, other_provider)
    assert response.status_code == 201, response.text


async def test_duplicate_trainee_is_checked_after_validation(client, provider):
    await first(client, provider)
    response = await post(client, provider, sex="3")
    assert response.status_code == 422


async def test_duplicate_trainee_includes_withdrawn_trainees(client, provider):
    existing = await first(client, provider)
    withdrawn = await client.post(
        f"{V}/trainees/{existing['trainee_id']}/withdraw",
        json={
            "data": {
                "withdrawal_date": "2025-10-01",
                "trigger": "provider",
                "reasons": ["record_added_in_error"],
                "future_interest": "no",
            }
        },
        headers=provider.headers,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    response = await post(client, provider)
    assert response.status_code == 409
    assert response.json()["data"][0]["state"] == "withdrawn"


async def test_duplicate_trainee_rendered_in_the_requests_version(client, provider):
    await first(client, provider)
    old = trainee(**PERSON)
    old["course_subject_one"] = old.pop("course_subject_1")
    response = await client.post(
        "/api/v2025.0/trainees", json={"data": old}, headers=provider.headers
    )
    assert response.status_code == 409
    (duplicate,) = response.json()["data"]
    assert "course_subject_one" in duplicate and "course_subject_1" not in duplicate


async def test_duplicate_trainee_is_not_checked_on_update(client, provider):
    existing = await first(client, provider)
    other = await post(client, provider, first_names="Augusta", email="augusta@example.com")
    assert other.status_code == 201
    response = await client.put(
        f"{V}/trainees/{other.json()['data']['trainee_id']}",
        json={"data": {"first_names": existing["first_names"]}},
        headers=provider.headers,
    )
    assert response.status_code == 200, response.text
