"""Presence, format, length and date rules through HTTP, one test per rule (domain.md 2.2-2.4)."""

from __future__ import annotations

from datetime import timedelta

from service.clock import today
from tests.bodies import trainee

V = "/api/v2026.1"


async def errors_of(client, provider, **overrides):
    response = await client.post(
        f"{V}/trainees", json={"data": trainee(**overrides)}, headers=provider.headers
    )
    assert response.status_code == 422, response.text
    return response.json()["errors"]


async def test_required_trainee_fields_in_the_originals_order(client, provider):
    found = await errors_of(client, provider, course_subject_1="", hesa_id=None, first_names=" ")
    assert found == [
        "first_names can't be blank",
        "hesa_id can't be blank",
        "course_subject_1 can't be blank",
    ]


async def test_hesa_required_fields_come_after_the_trainee_fields(client, provider):
    found = await errors_of(client, provider, fund_code="", course_year=..., sex="")
    assert found == ["sex can't be blank", "course_year can't be blank", "fund_code can't be blank"]


async def test_itt_qualification_aim_required_when_itt_aim_is_missing(client, provider):
    assert await errors_of(client, provider, itt_aim=..., itt_qualification_aim=...) == [
        "itt_aim can't be blank",
        "itt_qualification_aim must be entered if 202 selected for itt_aim",
    ]


async def test_itt_dates_the_start_cannot_be_after_next_year(client, provider):
    year = today().year + 2
    found = await errors_of(
        client, provider, itt_start_date=f"{year}-01-10", itt_end_date=f"{year}-07-31"
    )
    assert found == ["itt_start_date must not be more than one year in the future"]


async def test_itt_end_date_after_the_start(client, provider):
    start = trainee()["itt_start_date"]
    assert await errors_of(client, provider, itt_end_date=start) == [
        "itt_end_date must be after itt_start_date"
    ]


async def test_trainee_start_date_in_the_future_must_be_the_itt_start(client, provider):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    assert await errors_of(client, provider, trainee_start_date=tomorrow) == [
        "trainee_start_date must be in the past"
    ]


async def test_date_of_birth_range(client, provider):
    future = (today() + timedelta(days=1)).isoformat()
    assert await errors_of(client, provider, date_of_birth=future) == [
        "date_of_birth must be in the past"
    ]
    recent = f"{today().year - 10}-01-01"
    assert await errors_of(client, provider, date_of_birth=recent) == [
        "date_of_birth cannot be less than 16 years ago"
    ]


async def test_hesa_id_length(client, provider):
    assert await errors_of(client, provider, hesa_id="12345678901234") == [
        "hesa_id must be 13 or 17 characters"
    ]


async def test_course_year_integer(client, provider):
    assert await errors_of(client, provider, course_year="1.5") == [
        "course_year is not a valid course year"
    ]


async def test_errors_follow_the_originals_order_across_rules(client, provider):
    found = await errors_of(
        client,
        provider,
        course_age_range="13914",
        sex="3",
        provider_trainee_id="x" * 51,
        training_route="99",
    )
    assert [message.split(" ")[0] for message in found] == [
        "course_subject_1",
        "provider_trainee_id",
        "sex",
        "training_route",
    ]
