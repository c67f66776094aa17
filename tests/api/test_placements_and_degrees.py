"""Placements and degrees as sub-resources: ids, statuses, envelopes, duplicates (api.md 4.5)."""

from __future__ import annotations

from tests.api.lifecycle import V, create

DEGREE = {
    "subject": "100425",
    "institution": "0117",
    "uk_degree": "083",
    "grade": "02",
    "graduation_year": "2012",
}


async def test_placements_are_listed_in_a_data_envelope(client, provider):
    t = await create(client, provider)
    response = await client.get(
        f"{V}/trainees/{t['trainee_id']}/placements", headers=provider.headers
    )
    assert response.status_code == 200
    assert [p["placement_id"] for p in response.json()["data"]] == [
        p["placement_id"] for p in t["placements"]
    ]


async def test_adding_a_placement_answers_it_with_201(client, provider):
    t = await create(client, provider)
    response = await client.post(
        f"{V}/trainees/{t['trainee_id']}/placements",
        json={"data": {"urn": "123456", "name": "Oak School", "postcode": "BN1 1AA"}},
        headers=provider.headers,
    )
    assert response.status_code == 201
    placement = response.json()["data"]
    assert set(placement) == {
        "placement_id",
        "urn",
        "name",
        "postcode",
        "address",
        "created_at",
        "updated_at",
    }
    assert placement["address"] == "URN 123456, BN1 1AA"
    one = await client.get(
        f"{V}/trainees/{t['trainee_id']}/placements/{placement['placement_id']}",
        headers=provider.headers,
    )
    assert one.json() == {"data": placement}


async def test_a_placement_needs_a_name_and_a_valid_postcode(client, provider):
    t = await create(client, provider)
    response = await client.post(
        f"{V}/trainees/{t['trainee_id']}/placements",
        json={"data": {"urn": "12", "postcode": "nowhere"}},
        headers=provider.headers,
    )
    assert response.status_code == 422
    assert response.json() == {
        "errors": [
            {"error": "UnprocessableEntity", "message": "urn is invalid"},
            {"error": "UnprocessableEntity", "message": "name can't be blank"},
            {
                "error": "UnprocessableEntity",
                "message": "postcode Enter a valid postcode (for example, BN1 1AA)",
            },
        ]
    }


async def test_changing_a_placement_changes_only_what_is_sent(client, provider):
    t = await create(client, provider)
    pid = t["placements"][0]["placement_id"]
    response = await client.patch(
        f"{V}/trainees/{t['trainee_id']}/placements/{pid}",
        json={"data": {"urn": "654321", "name": "Elm School"}},
        headers=provider.headers,
    )
    assert response.status_code == 200
    assert (response.json()["data"]["urn"], response.json()["data"]["name"]) == (
        "654321",
        "Elm School",
    )
    assert response.json()["data"]["placement_id"] == pid


async def test_removing_a_placement_answers_the_trainee_without_it(client, provider):
    t = await create(client, provider)
    pid = t["placements"][0]["placement_id"]
    response = await client.delete(
        f"{V}/trainees/{t['trainee_id']}/placements/{pid}", headers=provider.headers
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["trainee_id"] == t["trainee_id"]
    assert pid not in [p["placement_id"] for p in data["placements"]]


async def test_an_unknown_placement_is_not_found(client, provider):
    t = await create(client, provider)
    for call in (client.get, client.delete):
        response = await call(
            f"{V}/trainees/{t['trainee_id']}/placements/nope", headers=provider.headers
        )
        assert response.json() == {
            "errors": [{"error": "NotFound", "message": "Placement(s) not found"}]
        }


async def test_another_providers_placements_are_not_found(client, provider, other_provider):
    t = await create(client, provider)
    response = await client.get(
        f"{V}/trainees/{t['trainee_id']}/placements", headers=other_provider.headers
    )
    assert response.json()["errors"][0]["message"] == "Trainee(s) not found"


async def test_adding_a_degree_answers_it_with_201(client, provider):
    t = await create(client, provider)
    response = await client.post(
        f"{V}/trainees/{t['trainee_id']}/degrees", json={"data": DEGREE}, headers=provider.headers
    )
    assert response.status_code == 201
    degree = response.json()["data"]
    assert set(degree) == {
        "degree_id",
        "subject",
        "institution",
        "country",
        "uk_degree",
        "non_uk_degree",
        "grade",
        "graduation_year",
        "other_grade",
        "subject_uuid",
        "institution_uuid",
        "uk_degree_uuid",
        "grade_uuid",
        "created_at",
        "updated_at",
    }
    assert degree["graduation_year"] == 2012
    listed = await client.get(f"{V}/trainees/{t['trainee_id']}/degrees", headers=provider.headers)
    assert [d["graduation_year"] for d in listed.json()["data"]] == [2003, 2012]


async def test_a_duplicate_degree_is_a_conflict_listing_the_match(client, provider):
    t = await create(client, provider)
    url = f"{V}/trainees/{t['trainee_id']}/degrees"
    first = (await client.post(url, json={"data": DEGREE}, headers=provider.headers)).json()["data"]
    response = await client.post(url, json={"data": DEGREE}, headers=provider.headers)
    assert response.status_code == 409
    assert response.json() == {
        "errors": [{"error": "Conflict", "message": "This is a duplicate degree"}],
        "data": [first],
    }


async def test_changing_a_degree_into_a_duplicate_is_a_conflict(client, provider):
    t = await create(client, provider)
    url = f"{V}/trainees/{t['trainee_id']}/degrees"
    await client.post(url, json={"data": DEGREE}, headers=provider.headers)
    existing = t["degrees"][0]["degree_id"]
    response = await client.put(
        f"{url}/{existing}", json={"data": DEGREE}, headers=provider.headers
    )
    assert response.status_code == 409


async def test_a_degree_needs_its_details(client, provider):
    t = await create(client, provider)
    response = await client.post(
        f"{V}/trainees/{t['trainee_id']}/degrees",
        json={"data": {"subject": "100425", "graduation_year": "1900"}},
        headers=provider.headers,
    )
    assert response.status_code == 422
    assert {e["message"] for e in response.json()["errors"]} == {
        "uk_degree must be entered if specifying a previous UK degree",
        "grade must be entered if specifying a previous UK degree or non-UK degree",
        "graduation_year is invalid",
    }


async def test_changing_a_degree_to_non_uk_moves_it_abroad(client, provider):
    t = await create(client, provider)
    did = t["degrees"][0]["degree_id"]
    response = await client.patch(
        f"{V}/trainees/{t['trainee_id']}/degrees/{did}",
        json={"data": {"non_uk_degree": "083", "country": "FR"}},
        headers=provider.headers,
    )
    assert response.status_code == 200, response.text
    degree = response.json()["data"]
    assert (degree["country"], degree["non_uk_degree"], degree["uk_degree"]) == ("FR", "083", None)
    assert degree["institution"] == t["degrees"][0]["institution"]  # kept: api.md 4.6


async def test_removing_a_degree_answers_the_trainee(client, provider):
    t = await create(client, provider)
    did = t["degrees"][0]["degree_id"]
    response = await client.delete(
        f"{V}/trainees/{t['trainee_id']}/degrees/{did}", headers=provider.headers
    )
    assert response.status_code == 200
    assert response.json()["data"]["degrees"] == []
    gone = await client.get(
        f"{V}/trainees/{t['trainee_id']}/degrees/{did}", headers=provider.headers
    )
    assert gone.json()["errors"][0]["message"] == "Degree(s) not found"


async def test_a_placement_at_a_known_school_is_linked_to_it(client, provider):
    t = await create(client, provider)
    response = await client.post(
        f"{V}/trainees/{t['trainee_id']}/placements",
        json={"data": {"urn": "100000"}},
        headers=provider.headers,
    )
    assert response.status_code == 201, response.text
    placement = response.json()["data"]
    assert (placement["name"], placement["postcode"]) == ("Riverside Primary School", "SW1A 1AA")
    assert placement["address"] == "URN 100000, London, SW1A 1AA"
    moved = await client.patch(
        f"{V}/trainees/{t['trainee_id']}/placements/{placement['placement_id']}",
        json={"data": {"urn": "100001"}},
        headers=provider.headers,
    )
    assert moved.json()["data"]["name"] == "Hillcrest Academy"
