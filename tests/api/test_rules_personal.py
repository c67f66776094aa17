"""Personal details: disabilities, e-mail, names, dates (domain.md 2.3, 2.4, 2.13, 4.4)."""

from __future__ import annotations

from service.clock import today
from tests.bodies import trainee

V = "/api/v2026.1"


async def post(client, provider, **overrides):
    return await client.post(
        f"{V}/trainees", json={"data": trainee(**overrides)}, headers=provider.headers
    )


async def errors_of(client, provider, **overrides):
    response = await post(client, provider, **overrides)
    assert response.status_code == 422, response.text
    return response.json()["errors"]


async def test_disabilities_unique(client, provider):
    assert await errors_of(client, provider, disability1="58", disability2="58") == [
        "disabilities contain duplicate values"
    ]


async def test_disabilities_unique_on_update_against_the_stored_ones(client, provider):
    created = await post(client, provider, disability1="58")
    response = await client.put(
        f"{V}/trainees/{created.json()['data']['trainee_id']}",
        json={"data": {"disability2": "58"}},
        headers=provider.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == ["disabilities contain duplicate values"]


async def test_disabilities_unknown_code_is_dropped_but_echoed(client, provider):
    response = await post(client, provider, disability1="77", disability2="57")
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert (data["disability1"], data["disability2"]) == ("77", "57")
    assert data["disability_disclosure"] == "disabled"


async def test_disabilities_no_known_disability_alone_is_no_disability(client, provider):
    response = await post(client, provider, disability1="95")
    assert response.json()["data"]["disability_disclosure"] == "no_disability"


async def test_email_blank_is_blank_and_badly_formed(client, provider):
    assert await errors_of(client, provider, email="") == [
        "email can't be blank",
        "email Enter an email address in the correct format, like name@example.com",
    ]


async def test_email_longer_than_255_characters(client, provider):
    assert await errors_of(client, provider, email="a" * 250 + "@example.com") == [
        "email is too long (maximum is 255 characters)"
    ]


async def test_email_punycode_host_is_accepted(client, provider):
    response = await post(client, provider, email="name@xn--bcher-kva.example")
    assert response.status_code == 201, response.text


async def test_lengths_of_names_and_ids(client, provider):
    found = await errors_of(client, provider, provider_trainee_id="x" * 51, middle_names="y" * 61)
    assert found == [
        "provider_trainee_id is too long (maximum is 50 characters)",
        "middle_names is too long (maximum is 60 characters)",
    ]


async def test_itt_end_date_window_and_order_give_one_message(client, provider):
    year = today().year
    found = await errors_of(
        client, provider, itt_start_date=f"{year - 2}-09-01", itt_end_date=f"{year - 11}-07-31"
    )
    assert found == ["itt_end_date must be within the last 10 years"]


async def test_trainee_start_date_not_more_than_10_years_back(client, provider):
    found = await errors_of(client, provider, trainee_start_date=f"{today().year - 11}-09-01")
    assert found == ["trainee_start_date Cannot be more than 10 years in the past"]


async def test_itt_dates_invalid_start_makes_the_default_trainee_start_invalid(client, provider):
    assert await errors_of(client, provider, itt_start_date="2025-02-30") == [
        "itt_start_date is invalid",
        "trainee_start_date is invalid",
    ]
