"""Rules and wording that differ between versions, each shown against its neighbour version."""

from __future__ import annotations

from tests.api.test_versions import body_for

ROUTES_2026_0 = "'03', '09', '10', '11', '12', '14'"


async def post(client, provider, version, **overrides):
    return await client.post(
        f"/api/{version}/trainees",
        json={"data": body_for(version, **overrides)},
        headers=provider.headers,
    )


async def test_route_02_is_accepted_up_to_v2025_0_only(client, provider):
    old = await post(client, provider, "v2025.0", training_route="02")
    new = await post(client, provider, "v2026.0", training_route="02")
    assert old.status_code == 201, old.text
    assert old.json()["data"]["training_route"] == "02"
    assert new.json()["errors"] == [
        "training_route has invalid reference data value of 'school_direct_tuition_fee'. "
        f"Valid values are {ROUTES_2026_0}."
    ]


async def test_assessment_only_is_a_v2026_1_route(client, provider):
    head = await post(client, provider, "v2026.1", training_route="16")
    old = await post(client, provider, "v2026.0", training_route="16")
    assert head.status_code == 201, head.text
    assert old.json()["errors"][0] == (
        f"training_route has invalid reference data value of 'assessment_only'. "
        f"Valid values are {ROUTES_2026_0}."
    )


async def test_primary_subjects_are_refused_from_v2026_0_and_rewritten_before(client, provider):
    primary = {"course_age_range": "13914", "course_subject_1": "100346"}
    new = await post(client, provider, "v2026.0", **primary)
    assert new.json()["errors"] == [
        "course_subject_1 is invalid. It should be `100511` for the course_age_range provided"
    ]
    old = await post(client, provider, "v2025.0", **primary)
    assert old.status_code == 201, old.text
    data = old.json()["data"]
    assert (data["course_subject_one"], data["course_subject_two"]) == ("100511", "100346")
    assert data["course_education_phase"] == "primary"


async def test_the_itt_end_date_window_is_checked_from_v2026_0(client, provider):
    late = {"itt_end_date": "2039-07-31"}
    new = await post(client, provider, "v2026.0", **late)
    assert new.json()["errors"] == ["itt_end_date must be within the next 5 years"]
    assert (await post(client, provider, "v2025.0", **late)).status_code == 201


async def test_the_hesa_id_length_is_checked_from_v2025_0(client, provider):
    new = await post(client, provider, "v2025.0", hesa_id="123")
    assert new.json()["errors"] == ["hesa_id must be 13 or 17 characters"]
    assert (await post(client, provider, "v1.0-pre", hesa_id="123")).status_code == 201


async def test_inclusion_wording_per_version(client, provider):
    head = await post(client, provider, "v2025.0", sex="3")
    pre = await post(client, provider, "v1.0-pre", sex="3")
    oldest = await post(client, provider, "v0.1", sex="3")
    valid = "Valid values are '10', '11', '12', '96', '99'."
    assert head.json()["errors"] == [f"sex has invalid reference data value of '3'. {valid}"]
    assert pre.json()["errors"] == ["sex has invalid reference data values"]
    assert oldest.json()["errors"] == [f"Sex has invalid reference data value of '3'. {valid}"]


async def test_v1_0_pre_needed_a_qualification_aim_only_without_an_itt_aim(client, provider):
    pre = await post(client, provider, "v1.0-pre", itt_qualification_aim=...)
    assert pre.status_code == 201, pre.text
    oldest = await post(client, provider, "v0.1", itt_qualification_aim=...)
    assert oldest.json()["errors"] == [
        "Hesa trainee detail attributes Itt qualification aim must be entered if 202 selected "
        "for itt_aim"
    ]


async def test_unknown_partners_by_version(client, provider):
    v2026 = await post(client, provider, "v2026.0", training_partner_urn="999999")
    v2025 = await post(client, provider, "v2025.0", lead_partner_urn="999999")
    v2024 = await post(client, provider, "v1.0-pre", lead_partner_urn="999999")
    assert v2026.json()["errors"] == [
        "training_partner_urn is invalid. The URN '999999' does not match any known training "
        "partners"
    ]
    assert v2025.json()["errors"] == [
        "lead_partner_id is invalid. The URN '999999' does not match any known lead partners"
    ]
    assert v2024.status_code == 201
    assert v2024.json()["data"]["lead_partner_urn"] is None


async def test_iqts_country_is_unknown_before_v2026_1(client, provider):
    response = await post(client, provider, "v2026.0", iqts_country="FR")
    assert response.status_code == 201, response.text
    assert "iqts_country" not in response.json()["data"]


async def test_v0_1_requires_degrees_as_an_attribute(client, provider):
    response = await post(client, provider, "v0.1", degrees_attributes=[])
    assert response.json()["errors"] == ["Degrees attributes can't be blank"]


async def test_v1_0_pre_words_subject_duplicates_without_a_field(client, provider):
    pre = await post(client, provider, "v1.0-pre", course_subject_2="100346")
    head = await post(client, provider, "v2025.0", course_subject_2="100346")
    assert pre.json()["errors"] == ["Course subject fields contain duplicate values"]
    assert head.json()["errors"] == ["course_subject_two might contain duplicate values"]


async def test_v2025_0_checks_the_submission_on_update_too(client, provider):
    sections = {}
    for version in ("v2026.0", "v2025.0"):
        created = (await post(client, provider, version, disability1=...)).json()["data"]
        response = await client.put(
            f"/api/{version}/trainees/{created['trainee_id']}",
            json={"data": {"disability1": "98", "disability2": "99"}},
            headers=provider.headers,
        )
        sections[version] = response.status_code, response.json().get("errors")
    assert sections["v2026.0"][0] == 200
    status, errors = sections["v2025.0"]
    assert status == 422 and isinstance(errors, dict) and errors
