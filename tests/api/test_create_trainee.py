"""POST /trainees in v2026.1: envelope, derivations and the response field set (api.md 4, 6)."""

from __future__ import annotations

from tests.bodies import cycle_dates, trainee

V = "/api/v2026.1"
V2026_1_FIELDS = {
    "trainee_id",
    "provider_trainee_id",
    "application_id",
    "trn",
    "first_names",
    "middle_names",
    "last_name",
    "previous_last_name",
    "date_of_birth",
    "email",
    "sex",
    "nationality",
    "ethnicity",
    "ethnic_group",
    "ethnic_background",
    "additional_ethnic_background",
    "diversity_disclosure",
    "disability_disclosure",
    "training_route",
    "training_initiative",
    "additional_training_initiative",
    "itt_aim",
    "itt_qualification_aim",
    "course_year",
    "ni_number",
    "pg_apprenticeship_start_date",
    "course_subject_1",
    "course_subject_2",
    "course_subject_3",
    "course_qualification",
    "course_title",
    "course_level",
    "course_education_phase",
    "course_itt_start_date",
    "course_age_range",
    "course_min_age",
    "course_max_age",
    "study_mode",
    "itt_start_date",
    "itt_end_date",
    "trainee_start_date",
    "outcome_date",
    "submitted_for_trn_at",
    "awarded_at",
    "recommended_for_award_at",
    "defer_date",
    "defer_reason",
    "reinstate_date",
    "withdrawal_date",
    "withdrawal_reasons",
    "withdrawal_trigger",
    "withdrawal_future_interest",
    "withdrawal_another_reason",
    "withdrawal_safeguarding_concern_reasons",
    "state",
    "record_source",
    "hesa_id",
    "ukprn",
    "training_partner_urn",
    "training_partner_ukprn",
    "employing_school_urn",
    "iqts_country",
    "fund_code",
    "funding_method",
    "created_at",
    "updated_at",
    "placements",
    "degrees",
}


async def create(client, provider, **overrides):
    return await client.post(
        f"{V}/trainees", json={"data": trainee(**overrides)}, headers=provider.headers
    )


async def test_a_valid_trainee_is_created_and_submitted_for_trn(client, provider):
    response = await create(client, provider)
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["state"] == "submitted_for_trn"
    assert data["submitted_for_trn_at"].endswith("Z")
    assert data["record_source"] == "api"
    assert data["ukprn"] == provider.ukprn
    assert len(data["trainee_id"]) == 24


async def test_the_response_has_exactly_the_v2026_1_field_set(client, provider):
    data = (await create(client, provider)).json()["data"]
    assert set(data) - {"disability1"} == V2026_1_FIELDS
    assert data["disability1"] == "58"


async def test_codes_come_back_as_sent(client, provider):
    data = (await create(client, provider)).json()["data"]
    assert (data["sex"], data["training_route"], data["course_subject_1"]) == ("10", "12", "100346")
    assert (data["study_mode"], data["course_age_range"], data["nationality"]) == (
        "63",
        "13918",
        "GB",
    )
    assert data["course_year"] == 1


async def test_server_side_derivations(client, provider):
    start, _ = cycle_dates()
    data = (await create(client, provider)).json()["data"]
    assert data["ethnicity"] == "997"
    assert data["ethnic_background"] == "Not provided"
    assert data["ethnic_group"] == "not_provided_ethnic_group"
    assert data["disability_disclosure"] == "disabled"
    assert data["diversity_disclosure"] == "diversity_disclosed"
    assert (data["course_min_age"], data["course_max_age"]) == (11, 16)
    assert data["course_education_phase"] == "secondary"
    assert data["trainee_start_date"] == start
    assert data["course_itt_start_date"] == start
    assert (data["course_level"], data["course_qualification"]) == ("postgrad", "QTS")


async def test_an_ethnicity_code_sets_background_and_group(client, provider):
    data = (await create(client, provider, ethnicity="120")).json()["data"]
    assert (data["ethnicity"], data["ethnic_background"], data["ethnic_group"]) == (
        "120",
        "African",
        "black_ethnic_group",
    )


async def test_no_known_disability_is_disclosed_as_no_disability(client, provider):
    data = (await create(client, provider, disability1="95")).json()["data"]
    assert data["disability_disclosure"] == "no_disability"


async def test_a_primary_age_range_makes_a_primary_course(client, provider):
    data = (
        await create(client, provider, course_age_range="13914", course_subject_1="100511")
    ).json()["data"]
    assert data["course_education_phase"] == "primary"


async def test_a_blank_trainee_start_date_defaults_to_the_itt_start_date(client, provider):
    start, _ = cycle_dates()
    data = (await create(client, provider, trainee_start_date="")).json()["data"]
    assert data["trainee_start_date"] == start


async def test_nested_placements_and_degrees_are_created(client, provider):
    data = (await create(client, provider)).json()["data"]
    (placement,) = data["placements"]
    assert placement["urn"] == "900020"
    assert placement["name"] == "Establishment does not have a URN"
    assert placement["address"] is None
    assert len(placement["placement_id"]) == 24
    (degree,) = data["degrees"]
    assert degree["graduation_year"] == 2003
    assert (degree["subject"], degree["institution"], degree["uk_degree"], degree["grade"]) == (
        "100485",
        "0117",
        "083",
        "02",
    )
    assert degree["country"] is None


async def test_a_graduation_date_is_stored_as_its_year(client, provider):
    degree = {
        "grade": "02",
        "subject": "100485",
        "institution": "0117",
        "uk_degree": "083",
        "graduation_year": "2003-01-01",
    }
    data = (await create(client, provider, degrees_attributes=[degree])).json()["data"]
    assert data["degrees"][0]["graduation_year"] == 2003


async def test_read_only_and_unknown_fields_are_ignored(client, provider):
    response = await create(
        client,
        provider,
        trn="1234567",
        state="awarded",
        favourite="tea",
        ethnic_group="white_ethnic_group",
    )
    assert response.status_code == 201
    data = response.json()["data"]
    assert (data["trn"], data["state"]) == (None, "submitted_for_trn")
    assert "favourite" not in data
    assert data["ethnic_group"] == "not_provided_ethnic_group"


async def test_numbers_are_accepted_for_codes_and_course_year(client, provider):
    response = await create(client, provider, course_year=2, application_id=1234567)
    assert response.status_code == 201
    assert response.json()["data"]["course_year"] == 2
    assert response.json()["data"]["application_id"] == 1234567


async def test_a_created_trainee_reads_back_unwrapped(client, provider):
    created = (await create(client, provider)).json()["data"]
    response = await client.get(f"{V}/trainees/{created['trainee_id']}", headers=provider.headers)
    assert response.status_code == 200
    assert response.json() == created
    assert response.headers["etag"] == '"2"'
