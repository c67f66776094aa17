"""HESA code inclusion and training routes on POST /trainees (domain.md 0, 2.5; api.md 7.3)."""

from __future__ import annotations

import pytest

from tests.bodies import trainee

V = "/api/v2026.1"
SUBJECTS_TRUNCATED = (  # the first ten codes of config/reference_data/course_subject.yml
    "'100048', '100050', '100061', '100068', '100069', '100071', '100078', '100079', "
    "'100091', '100092'..."
)


async def errors_of(client, provider, **overrides):
    response = await client.post(
        f"{V}/trainees", json={"data": trainee(**overrides)}, headers=provider.headers
    )
    assert response.status_code == 422, response.text
    return response.json()["errors"]


async def created(client, provider, **overrides):
    response = await client.post(
        f"{V}/trainees", json={"data": trainee(**overrides)}, headers=provider.headers
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def test_sex_code_lists_every_valid_value_when_fewer_than_ten(client, provider):
    assert await errors_of(client, provider, sex="3") == [
        "sex has invalid reference data value of '3'. "
        "Valid values are '10', '11', '12', '96', '99'."
    ]


async def test_ethnicity_code_lists_the_first_ten_values_of_a_long_list(client, provider):
    assert await errors_of(client, provider, ethnicity="Irish") == [
        "ethnicity has invalid reference data value of 'Irish'. Example values include '100', "
        "'101', '103', '104', '119', '120', '121', '139', '140', '141'..."
    ]


async def test_nationality_code_refuses_a_name(client, provider):
    assert await errors_of(client, provider, nationality="british") == [
        "nationality has invalid reference data value of 'british'. Example values include "
        "'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AR', 'AT'..."
    ]


async def test_course_subject_codes_check_all_three_subjects(client, provider):
    found = await errors_of(client, provider, course_subject_2="1", course_subject_3="2")
    assert found == [
        f"course_subject_2 has invalid reference data value of '1'. Example values include "
        f"{SUBJECTS_TRUNCATED}",
        f"course_subject_3 has invalid reference data value of '2'. Example values include "
        f"{SUBJECTS_TRUNCATED}",
    ]


async def test_study_mode_code(client, provider):
    assert await errors_of(client, provider, study_mode="03") == [
        "study_mode has invalid reference data value of '03'. "
        "Valid values are '01', '02', '31', '63', '64'."
    ]


async def test_training_initiative_code(client, provider):
    assert await errors_of(client, provider, training_initiative="001") == [
        "training_initiative has invalid reference data value of '001'. "
        "Valid values are '009', '011', '025', '026', '036'."
    ]


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("itt_aim", "203", "Valid values are '201', '202'."),
        ("fund_code", "5", "Valid values are '2', '7'."),
        ("funding_method", "A", "Valid values are '4', '6', '7', '8', '9', 'B', 'C', 'D', 'E'."),
        (
            "additional_training_initiative",
            "019",
            "Valid values are '009', '011', '025', '026', '036'.",
        ),
        (
            "itt_qualification_aim",
            "999",
            "Example values include '001', '002', '003', '004', '007', '008', '020', '021', '028', "
            "'031'...",
        ),
        (
            "course_age_range",
            "99801",
            "Example values include '13909', '13911', '13912', '13913', '13914', '13915', '13916', "
            "'13917', '13918', '13919'...",
        ),
    ],
)
async def test_hesa_detail_codes(client, provider, field, value, valid):
    found = await errors_of(client, provider, **{field: value})
    assert f"{field} has invalid reference data value of '{value}'. {valid}" in found


async def test_training_route_code_02_is_refused_under_its_internal_name(client, provider):
    assert await errors_of(client, provider, training_route="02") == [
        "training_route has invalid reference data value of 'school_direct_tuition_fee'. "
        "Example values include '03', '09', '10', '11', '12', '14', '15', '16', '17', '18'..."
    ]


async def test_training_route_code_unknown_is_refused_with_the_code(client, provider):
    found = await errors_of(client, provider, training_route="99")
    assert found == [
        "training_route has invalid reference data value of '99'. "
        "Example values include '03', '09', '10', '11', '12', '14', '15', '16', '17', '18'..."
    ]


async def test_training_route_code_12_is_refused_before_the_2022_cycle(client, provider):
    found = await errors_of(
        client, provider, itt_start_date="2021-09-01", itt_end_date="2022-07-31"
    )
    assert (
        "training_route has invalid reference data value of 'provider_led_postgrad'."
        in (found[0].split(" Example")[0])
    )


async def test_training_route_code_is_not_checked_when_the_trainee_start_date_is_wrong(
    client, provider
):
    found = await errors_of(client, provider, training_route="99", trainee_start_date="2020-13-01")
    assert found == ["trainee_start_date is invalid"]


ROUTE_BODIES = {
    "03": {},
    "09": {"degrees_attributes": []},
    "10": {},
    "11": {"degrees_attributes": []},
    "12": {},
    "14": {"degrees_attributes": []},
    "15": {"iqts_country": "FR"},
    "16": {"study_mode": ...},
    "21": {},
    "17": {"study_mode": ..., "course_subject_1": "100510", "course_age_range": "13920"},
    "18": {"course_subject_1": "100510", "course_age_range": "13920", "degrees_attributes": []},
    "19": {"course_subject_1": "100510", "course_age_range": "13920"},
    "20": {"course_subject_1": "100510", "course_age_range": "13920"},
}


@pytest.mark.parametrize("route", sorted(ROUTE_BODIES))
async def test_training_route_code_every_v2026_1_route_is_accepted(client, provider, route):
    data = await created(client, provider, training_route=route, **ROUTE_BODIES[route])
    assert data["training_route"] == route
