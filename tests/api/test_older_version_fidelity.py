"""Older versions answer as the original's own versions did (each test in its version's words)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.clock import today
from tests.api.lifecycle import TWO_PLACEMENTS
from tests.bodies import trainee

OLD_NAMES = {"course_subject_1": "course_subject_one"}
CYCLE_2026 = {"itt_start_date": "2026-09-01", "itt_end_date": "2027-07-31"}
BORN_IN_FUTURE = "Enter a date of birth that is in the past, for example 31 3 1980"


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


def personal(**fields):
    return {"personal_details": fields}


def born(years_ago, days=0):
    now = today()
    return (now.replace(year=now.year - years_ago) + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("version", ["v0.1", "v1.0-pre"])
async def test_v0_1_and_v1_0_pre_refuse_a_birth_date_in_the_future_at_their_second_stage(
    client, provider, version
):
    body = old_body(date_of_birth=born(0, days=1))
    response = await client.post(
        f"/api/{version}/trainees", json={"data": body}, headers=provider.headers
    )
    assert response.status_code == 422, response.text
    assert response.json() == {
        "message": "Validation failed: 1 error prohibited this trainee from being saved",
        "errors": personal(date_of_birth=[BORN_IN_FUTURE]),
    }


@pytest.mark.parametrize(
    ("date_of_birth", "message"),
    [
        (
            born(16, days=1),
            "Enter a valid date of birth, trainee cannot be younger than 16 years old",
        ),
        (born(100), "Enter a valid date of birth"),
        ("0999-01-01", "The year must include 4 numbers"),
    ],
)
async def test_v0_1_refuses_a_birth_date_outside_16_to_100_years_ago_in_its_words(
    client, provider, date_of_birth, message
):
    body = old_body(date_of_birth=date_of_birth)
    response = await client.post(
        "/api/v0.1/trainees", json={"data": body}, headers=provider.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == personal(date_of_birth=[message])


async def test_v0_1_accepts_a_trainee_turning_16_today_and_one_born_just_under_100_years_ago(
    client, provider
):
    await created(client, provider, "v0.1", date_of_birth=born(16))
    await created(client, provider, "v0.1", date_of_birth=born(100, days=1))


async def test_v0_1_refuses_long_names_and_a_future_birth_date_in_one_section(client, provider):
    body = old_body(first_names="F" * 61, middle_names="M" * 61, date_of_birth=born(0, days=1))
    response = await client.post(
        "/api/v0.1/trainees", json={"data": body}, headers=provider.headers
    )
    assert response.status_code == 422, response.text
    assert response.json() == {
        "message": "Validation failed: 1 error prohibited this trainee from being saved",
        "errors": personal(
            first_names=["First name must be 60 characters or fewer"],
            middle_names=["Middle name must be 60 characters or fewer"],
            date_of_birth=[BORN_IN_FUTURE],
        ),
    }


@pytest.mark.parametrize("version", ["v0.1", "v1.0-pre"])
@pytest.mark.parametrize(
    ("sent", "section"),
    [
        ({"first_names": "F" * 61}, {"first_names": ["First name must be 60 characters or fewer"]}),
        ({"last_name": "L" * 61}, {"last_name": ["Last name must be 60 characters or fewer"]}),
        ({"date_of_birth": born(0, days=1)}, {"date_of_birth": [BORN_IN_FUTURE]}),
    ],
)
async def test_v0_1_and_v1_0_pre_refuse_an_update_their_personal_details_checks_fail(
    client, provider, version, sent, section
):
    t = await created(client, provider, version)
    path = f"/api/{version}/trainees/{t['trainee_id']}"
    response = await client.patch(path, json={"data": sent}, headers=provider.headers)
    assert response.status_code == 422, response.text
    assert response.json() == {
        "message": "Validation failed: 1 error prohibited this trainee from being saved",
        "errors": {"personal_details": section},
    }
    kept = (await client.get(path, headers=provider.headers)).json()
    assert (kept["first_names"], kept["date_of_birth"]) == (t["first_names"], t["date_of_birth"])


async def test_a_name_of_exactly_60_characters_passes_v0_1s_second_stage(client, provider):
    t = await created(client, provider, "v0.1")
    response = await client.patch(
        f"/api/v0.1/trainees/{t['trainee_id']}",
        json={"data": {"first_names": "F" * 60}},
        headers=provider.headers,
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("version", "sent", "errors"),
    [
        (
            "v2025.0",
            {"first_names": "F" * 61},
            ["first_names is too long (maximum is 60 characters)"],
        ),
        ("v2026.1", {"date_of_birth": born(0, days=1)}, ["date_of_birth must be in the past"]),
    ],
)
async def test_newer_versions_keep_their_attribute_wording_for_names_and_birth_dates(
    client, provider, version, sent, errors
):
    t = await created(client, provider, version)
    response = await client.patch(
        f"/api/{version}/trainees/{t['trainee_id']}", json={"data": sent}, headers=provider.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == errors


UK_DEGREE = {"grade": "02", "subject": "100485", "institution": "0117", "uk_degree": "083"}
GRADUATED_LATER = "Enter a graduation year that is in the past, for example 2014"
GRADUATION_INVALID = "Enter a valid graduation year"


def blanks(version, *fields):
    """Rails' presence messages of a nested degree, as v0.1 and v1.0-pre word them."""
    if version == "v0.1":
        return [
            f"Degrees attributes {f.replace('_', ' ').capitalize()} can't be blank" for f in fields
        ]
    return [
        "uk_degree must be entered if specifying a previous UK degree"
        if f == "uk_degree"
        else f"{f} can't be blank"
        for f in fields
    ]


@pytest.mark.parametrize("version", ["v0.1", "v1.0-pre"])
async def test_v0_1_and_v1_0_pre_word_a_graduation_year_out_of_its_window_as_the_saved_degree(
    client, provider, version
):
    body = old_body(degrees_attributes=[{**UK_DEGREE, "graduation_year": "3000-01-01"}])
    response = await client.post(
        f"/api/{version}/trainees", json={"data": body}, headers=provider.headers
    )
    assert response.status_code == 422, response.text
    assert response.json() == {
        "message": "Validation failed: 2 errors prohibited this trainee from being saved",
        "errors": [
            f"Degrees graduation year {GRADUATED_LATER}",
            f"Degrees graduation year {GRADUATION_INVALID}",
        ],
    }


@pytest.mark.parametrize("year", [200, "abc", 1900])
async def test_v0_1_calls_an_unreadable_or_too_old_graduation_year_not_valid(
    client, provider, year
):
    body = old_body(degrees_attributes=[{**UK_DEGREE, "graduation_year": year}])
    response = await client.post(
        "/api/v0.1/trainees", json={"data": body}, headers=provider.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [f"Degrees graduation year {GRADUATION_INVALID}"]


@pytest.mark.parametrize(
    ("version", "first_names_blank"),
    [("v0.1", "First names can't be blank"), ("v1.0-pre", "first_names can't be blank")],
)
async def test_v0_1_and_v1_0_pre_check_the_graduation_year_once_the_rest_passed(
    client, provider, version, first_names_blank
):
    degree = {**UK_DEGREE, "graduation_year": "3000", "grade": None}
    body = old_body(first_names="", degrees_attributes=[degree])
    path = f"/api/{version}/trainees"
    response = await client.post(path, json={"data": body}, headers=provider.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [first_names_blank, *blanks(version, "grade")]
    future = old_body(date_of_birth=born(0, days=1), degrees_attributes=[degree | {"grade": "02"}])
    response = await client.post(path, json={"data": future}, headers=provider.headers)
    assert response.json()["errors"] == personal(date_of_birth=[BORN_IN_FUTURE])


@pytest.mark.parametrize("version", ["v0.1", "v1.0-pre"])
async def test_v0_1_and_v1_0_pre_say_a_missing_degree_detail_cant_be_blank(
    client, provider, version
):
    body = old_body(degrees_attributes=[{"institution": "0117"}])
    response = await client.post(
        f"/api/{version}/trainees", json={"data": body}, headers=provider.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == blanks(
        version, "graduation_year", "subject", "uk_degree", "grade"
    )


@pytest.mark.parametrize(
    ("version", "subject", "grade"),
    [
        ("v0.1", "Subject can't be blank", "Grade can't be blank"),
        ("v1.0-pre", "subject can't be blank", "grade can't be blank"),
    ],
)
async def test_the_degrees_endpoint_words_blanks_and_the_graduation_window_as_it_did(
    client, provider, version, subject, grade
):
    t = await created(client, provider, version)
    path = f"/api/{version}/trainees/{t['trainee_id']}/degrees"
    later = str(today().year + 2)
    blank = await client.post(
        path,
        json={"data": {"institution": "0117", "uk_degree": "083", "graduation_year": later}},
        headers=provider.headers,
    )
    assert blank.status_code == 422, blank.text
    assert [e["message"] for e in blank.json()["errors"]] == [subject, grade]
    window = await client.post(
        path,
        json={"data": {**UK_DEGREE, "subject": "100425", "graduation_year": later}},
        headers=provider.headers,
    )
    assert window.status_code == 422, window.text
    assert window.json()["errors"] == [
        {"error": "UnprocessableEntity", "message": f"Graduation year {GRADUATED_LATER}"},
        {"error": "UnprocessableEntity", "message": f"Graduation year {GRADUATION_INVALID}"},
    ]
    moved = await client.patch(
        f"{path}/{t['degrees'][0]['degree_id']}",
        json={"data": {"graduation_year": 1900}},
        headers=provider.headers,
    )
    assert moved.status_code == 422, moved.text
    assert [e["message"] for e in moved.json()["errors"]] == [
        f"Graduation year {GRADUATION_INVALID}"
    ]


@pytest.mark.parametrize("version", ["v2025.0", "v2026.0", "v2026.1"])
async def test_newer_versions_check_the_graduation_year_with_the_other_attributes(
    client, provider, version
):
    degree = {**UK_DEGREE, "graduation_year": "3000", "grade": None}
    body = (old_body if version == "v2025.0" else trainee)(
        first_names="", degrees_attributes=[degree]
    )
    response = await client.post(
        f"/api/{version}/trainees", json={"data": body}, headers=provider.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        "first_names can't be blank",
        "graduation_year must be in the past, for example 2014",
        "graduation_year is invalid",
        "grade must be entered if specifying a previous UK degree or non-UK degree",
    ]
