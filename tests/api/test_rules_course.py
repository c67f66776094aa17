"""Course subject, age range, study mode and iQTS rules (domain.md 2.2, 2.7, 2.13)."""

from __future__ import annotations

from tests.bodies import trainee

V = "/api/v2026.1"
EARLY_YEARS = {"training_route": "19", "course_subject_1": "100510", "course_age_range": "13920"}


async def post(client, provider, **overrides):
    return await client.post(
        f"{V}/trainees", json={"data": trainee(**overrides)}, headers=provider.headers
    )


async def errors_of(client, provider, **overrides):
    response = await post(client, provider, **overrides)
    assert response.status_code == 422, response.text
    return response.json()["errors"]


async def test_primary_subject_is_required_for_a_primary_age_range(client, provider):
    assert await errors_of(client, provider, course_age_range="13914") == [
        "course_subject_1 is invalid. It should be `100511` for the course_age_range provided"
    ]


async def test_primary_subject_accepted_with_other_subjects(client, provider):
    response = await post(
        client,
        provider,
        course_age_range="13912",
        course_subject_1="100511",
        course_subject_2="100425",
    )
    assert response.status_code == 201, response.text
    assert response.json()["data"]["course_education_phase"] == "primary"


async def test_early_years_subject_must_be_early_years_teaching(client, provider):
    found = await errors_of(client, provider, **{**EARLY_YEARS, "course_subject_1": "100511"})
    assert found == [
        "course_subject_1 is invalid. It should be `100510` for the training_route provided"
    ]


async def test_early_years_age_range_must_be_0_to_5_for_early_years_routes(client, provider):
    found = await errors_of(client, provider, **{**EARLY_YEARS, "course_age_range": "13918"})
    assert found == [
        "course_age_range is invalid. It should be `13920` for the training_route provided"
    ]


async def test_early_years_age_range_is_refused_for_other_routes(client, provider):
    assert await errors_of(client, provider, course_age_range="13920") == [
        "course_age_range is invalid. It can only be used for early years training routes"
    ]


async def test_early_years_routes_are_phase_early_years_and_skip_duplicate_subjects(
    client, provider
):
    response = await post(client, provider, **EARLY_YEARS, course_subject_2="100510")
    assert response.status_code == 201, response.text
    assert response.json()["data"]["course_education_phase"] == "early_years"


async def test_course_subject_duplicates_are_refused(client, provider):
    found = await errors_of(client, provider, course_subject_2="100346", course_subject_3="100346")
    assert found == [
        "course_subject_2 might contain duplicate values",
        "course_subject_3 might contain duplicate values",
    ]


async def test_study_mode_required_for_a_fee_funded_route(client, provider):
    assert await errors_of(client, provider, study_mode=...) == ["study_mode can't be blank"]


async def test_study_mode_required_except_for_early_years_assessment_only(client, provider):
    body = {**EARLY_YEARS, "training_route": "17", "study_mode": ...}
    response = await post(client, provider, **body)
    assert response.status_code == 201, response.text


async def test_iqts_country_is_required_for_the_iqts_route(client, provider):
    assert await errors_of(client, provider, training_route="15") == ["iqts_country can't be blank"]


async def test_iqts_country_must_be_blank_for_other_routes(client, provider):
    assert await errors_of(client, provider, iqts_country="FR") == ["iqts_country must be blank"]


async def test_iqts_country_must_be_a_country_code(client, provider):
    assert await errors_of(client, provider, training_route="15", iqts_country="France") == [
        "iqts_country has invalid reference data value of 'France'. Example values include "
        "'AD', 'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AR', 'AS'..."
    ]


async def test_iqts_country_is_cleared_when_an_update_leaves_the_iqts_route(client, provider):
    created = await post(client, provider, training_route="15", iqts_country="FR")
    assert created.json()["data"]["iqts_country"] == "FR"
    response = await client.put(
        f"{V}/trainees/{created.json()['data']['trainee_id']}",
        json={"data": {"training_route": "12", "iqts_country": "FR"}},
        headers=provider.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["iqts_country"] is None


async def test_course_rules_apply_to_the_merged_record_on_update(client, provider):
    created = await post(client, provider)
    response = await client.patch(
        f"{V}/trainees/{created.json()['data']['trainee_id']}",
        json={"data": {"course_age_range": "13914"}},
        headers=provider.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        "course_subject_1 is invalid. It should be `100511` for the course_age_range provided"
    ]
