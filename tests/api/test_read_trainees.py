"""GET /trainees and GET /trainees/{id}: scoping, filters, pagination, envelopes (api.md 6.5)."""

from __future__ import annotations

from tests.bodies import trainee

V = "/api/v2026.1"


async def create(client, provider, **overrides):
    response = await client.post(
        f"{V}/trainees", json={"data": trainee(**overrides)}, headers=provider.headers
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def test_a_trainee_is_found_by_its_id_in_any_letter_case(client, provider):
    created = await create(client, provider)
    response = await client.get(
        f"{V}/trainees/{created['trainee_id'].swapcase()}", headers=provider.headers
    )
    assert response.json()["trainee_id"] == created["trainee_id"]


async def test_another_providers_trainee_is_not_found(client, provider, other_provider):
    created = await create(client, provider)
    response = await client.get(
        f"{V}/trainees/{created['trainee_id']}", headers=other_provider.headers
    )
    assert response.status_code == 404
    assert response.json() == {"errors": [{"error": "NotFound", "message": "Trainee(s) not found"}]}


async def test_the_list_has_data_and_meta(client, provider):
    first = await create(client, provider)
    second = await create(client, provider, first_names="Jane")
    response = await client.get(f"{V}/trainees", headers=provider.headers)
    assert response.status_code == 200
    body = response.json()
    assert [t["trainee_id"] for t in body["data"]] == [second["trainee_id"], first["trainee_id"]]
    assert body["meta"] == {"current_page": 1, "total_pages": 1, "total_count": 2, "per_page": 50}


async def test_an_empty_list_is_not_found(client, provider):
    response = await client.get(f"{V}/trainees", headers=provider.headers)
    assert response.status_code == 404
    assert response.json() == {"errors": [{"error": "NotFound", "message": "No trainees found"}]}


async def test_the_list_shows_only_the_providers_own_trainees(client, provider, other_provider):
    await create(client, other_provider)
    response = await client.get(f"{V}/trainees", headers=provider.headers)
    assert response.status_code == 404


async def test_pages_split_the_list_and_a_page_past_the_end_is_not_found(client, provider):
    ids = [(await create(client, provider, first_names=f"N{i}"))["trainee_id"] for i in range(3)]
    page2 = await client.get(f"{V}/trainees?per_page=2&page=2", headers=provider.headers)
    assert [t["trainee_id"] for t in page2.json()["data"]] == [ids[0]]
    assert page2.json()["meta"] == {
        "current_page": 2,
        "total_pages": 2,
        "total_count": 3,
        "per_page": 2,
    }
    past = await client.get(f"{V}/trainees?per_page=2&page=3", headers=provider.headers)
    assert past.status_code == 404


async def test_ascending_order_lists_the_oldest_change_first(client, provider):
    first = await create(client, provider)
    await create(client, provider, first_names="Jane")
    response = await client.get(f"{V}/trainees?sort_order=asc", headers=provider.headers)
    assert response.json()["data"][0]["trainee_id"] == first["trainee_id"]


async def test_another_academic_cycle_holds_other_trainees(client, provider):
    await create(client, provider)
    response = await client.get(f"{V}/trainees?academic_cycle=2020", headers=provider.headers)
    assert response.status_code == 404


async def test_a_trainee_is_listed_under_its_start_cycle(client, provider):
    await create(client, provider, itt_start_date="2024-09-01", itt_end_date="2025-07-31")
    response = await client.get(f"{V}/trainees?academic_cycle=2024", headers=provider.headers)
    assert response.json()["meta"]["total_count"] == 1


async def test_has_trn_true_finds_no_trainee_without_a_trn(client, provider):
    await create(client, provider)
    with_trn = await client.get(f"{V}/trainees?has_trn=true", headers=provider.headers)
    without = await client.get(f"{V}/trainees?has_trn=false", headers=provider.headers)
    assert (with_trn.status_code, without.status_code) == (404, 200)


async def test_status_in_training_finds_a_started_trainee(client, provider):
    await create(client, provider)
    training = await client.get(f"{V}/trainees?status=in_training", headers=provider.headers)
    withdrawn = await client.get(f"{V}/trainees?status[]=withdrawn", headers=provider.headers)
    assert (training.status_code, withdrawn.status_code) == (200, 404)


async def test_since_filters_by_last_change(client, provider):
    await create(client, provider)
    response = await client.get(f"{V}/trainees?since=2999-01-01", headers=provider.headers)
    assert response.status_code == 404


async def test_invalid_filters_are_listed_by_parameter(client, provider):
    response = await client.get(
        f"{V}/trainees?status=invalid_state&since=yesterday&academic_cycle=1990&sort_order=up",
        headers=provider.headers,
    )
    assert response.status_code == 422
    assert response.json() == {
        "message": "Validation failed: 4 errors prohibited this request being run",
        "errors": {
            "academic_cycle": ["1990 is not a valid academic cycle year"],
            "since": ["yesterday is not a valid date"],
            "status": ["invalid_state is not a valid status"],
            "sort_order": ["is not included in the list"],
        },
    }


async def test_per_page_zero_is_not_found(client, provider):
    await create(client, provider)
    response = await client.get(f"{V}/trainees?per_page=0", headers=provider.headers)
    assert response.status_code == 404
