"""Older versions answer as the original's own versions did (each test in its version's words)."""

from __future__ import annotations

import pytest

from tests.api.lifecycle import TWO_PLACEMENTS
from tests.bodies import trainee

OLD_NAMES = {"course_subject_1": "course_subject_one"}
CYCLE_2026 = {"itt_start_date": "2026-09-01", "itt_end_date": "2027-07-31"}


def old_body(**overrides):
    return {OLD_NAMES.get(k, k): v for k, v in trainee(**overrides).items()}


async def created(client, provider, version="v2026.1", **overrides):
    body = (
        old_body(**overrides)
        if version in ("v0.1", "v1.0-pre", "v2025.0")
        else trainee(**overrides)
    )
    response = await client.post(
        f"/api/{version}/trainees", json={"data": body}, headers=provider.headers
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def test_v2025_0_funding_messages_name_course_subject_one(client, provider):
    body = old_body(funding_method="D", course_subject_1="100346", **CYCLE_2026)
    response = await client.post(
        "/api/v2025.0/trainees", json={"data": body}, headers=provider.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        "funding_method 'bursary' is not allowed when fund_code is '2' and course_subject_one "
        "is 'biology'"
    ]


@pytest.mark.parametrize("action", ["withdraw", "defer"])
@pytest.mark.parametrize("version", ["v0.1", "v1.0-pre", "v2025.0", "v2026.0", "v2026.1"])
async def test_an_action_without_a_body_on_an_unknown_trainee_is_not_found(
    client, provider, version, action
):
    response = await client.post(
        f"/api/{version}/trainees/nosuchtrainee/{action}", headers=provider.headers
    )
    assert response.status_code == 404
    assert response.json() == {"errors": [{"error": "NotFound", "message": "Trainee(s) not found"}]}


@pytest.mark.parametrize("action", ["withdraw", "defer"])
async def test_an_action_without_a_body_on_a_known_trainee_is_still_a_missing_param(
    client, provider, action
):
    t = await created(client, provider)
    response = await client.post(
        f"/api/v2026.1/trainees/{t['trainee_id']}/{action}", headers=provider.headers
    )
    assert response.status_code == 422


@pytest.mark.parametrize("version", ["v0.1", "v1.0-pre"])
async def test_the_rails_7_versions_say_param_is_missing_without_or_invalid(
    client, provider, version
):
    response = await client.post(
        f"/api/{version}/trainees", json={"nodata": {}}, headers=provider.headers
    )
    assert response.status_code == 422
    assert response.json() == {"errors": ["Param is missing or the value is empty: data"]}


async def test_a_placement_moved_from_a_known_school_to_an_unknown_urn_keeps_none_of_its_postcode(
    client, provider
):
    t = await created(client, provider)
    base = f"/api/v2026.1/trainees/{t['trainee_id']}/placements"
    added = await client.post(base, json={"data": {"urn": "100000"}}, headers=provider.headers)
    pid = added.json()["data"]["placement_id"]
    moved = await client.patch(
        f"{base}/{pid}",
        json={"data": {"urn": "654321", "name": "Elm House"}},
        headers=provider.headers,
    )
    assert moved.status_code == 200, moved.text
    placement = moved.json()["data"]
    assert (placement["urn"], placement["name"], placement["postcode"]) == (
        "654321",
        "Elm House",
        None,
    )
    assert placement["address"] == "URN 654321"


async def test_a_degree_moved_abroad_and_back_keeps_its_institution(client, provider):
    t = await created(client, provider)
    degree = t["degrees"][0]
    base = f"/api/v2026.1/trainees/{t['trainee_id']}/degrees/{degree['degree_id']}"
    abroad = await client.patch(
        base, json={"data": {"non_uk_degree": "083", "country": "FR"}}, headers=provider.headers
    )
    assert abroad.status_code == 200, abroad.text
    assert abroad.json()["data"]["institution"] == degree["institution"]
    back = await client.patch(base, json={"data": {"uk_degree": "083"}}, headers=provider.headers)
    assert back.status_code == 200, back.text
    home = back.json()["data"]
    assert (home["uk_degree"], home["country"], home["non_uk_degree"]) == ("083", None, None)
    assert home["institution"] == degree["institution"]


COURSE_DATES = {
    "course_details": {"itt_end_date": ["The Expected end date must be after the start date"]}
}


async def test_v0_1_refuses_a_course_ending_before_it_starts_at_its_second_stage(client, provider):
    body = old_body(itt_start_date="2026-09-01", itt_end_date="2026-08-01")
    response = await client.post(
        "/api/v0.1/trainees", json={"data": body}, headers=provider.headers
    )
    assert response.status_code == 422, response.text
    assert response.json() == {
        "message": "Validation failed: 1 error prohibited this trainee from being saved",
        "errors": COURSE_DATES,
    }


async def test_v0_1_refuses_an_update_ending_the_course_before_it_starts(client, provider):
    t = await created(client, provider, "v0.1", placements_attributes=TWO_PLACEMENTS)
    response = await client.patch(
        f"/api/v0.1/trainees/{t['trainee_id']}",
        json={"data": {"itt_end_date": "2020-01-01"}},
        headers=provider.headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == COURSE_DATES
