"""Every published version served side by side from the same events (api.md 10, 10a)."""

from __future__ import annotations

import pytest

from tests.api.lifecycle import TWO_PLACEMENTS, in_state
from tests.bodies import trainee

ALL = ["v0.1", "v1.0-pre", "v2025.0", "v2026.0", "v2026.1"]
OLD_NAMES = {
    "course_subject_1": "course_subject_one",
    "course_subject_2": "course_subject_two",
    "course_subject_3": "course_subject_three",
}


def body_for(version: str, **overrides):
    body = trainee(placements_attributes=TWO_PLACEMENTS, **overrides)
    if version in ("v0.1", "v1.0-pre", "v2025.0", "v2025.0-rc"):
        body = {OLD_NAMES.get(k, k): v for k, v in body.items()}
    return body


async def create(client, provider, version, **overrides):
    response = await client.post(
        f"/api/{version}/trainees",
        json={"data": body_for(version, **overrides)},
        headers=provider.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["data"]


@pytest.mark.parametrize("version", ALL)
async def test_info_answers_in_every_version(client, provider, version):
    response = await client.get(f"/api/{version}/info", headers=provider.headers)
    assert response.json() == {
        "status": "ok",
        "version": {"requested": version, "latest": "v2026.1"},
    }


async def test_the_rc_segment_is_served_as_v2025_0_but_reported_as_requested(client, provider):
    info = await client.get("/api/v2025.0-rc/info", headers=provider.headers)
    assert info.json()["version"]["requested"] == "v2025.0-rc"
    created = await create(client, provider, "v2025.0-rc")
    assert "course_subject_one" in created and "lead_partner_urn" in created


@pytest.mark.parametrize("writer", ALL)
async def test_a_trainee_written_in_any_version_reads_the_same_in_every_version(
    client, provider, writer
):
    created = await create(client, provider, writer)
    tid = created["trainee_id"]
    facts = {}
    for reader in ALL:
        got = (await client.get(f"/api/{reader}/trainees/{tid}", headers=provider.headers)).json()
        subject = got.get("course_subject_1", got.get("course_subject_one"))
        partner = got.get("training_partner_urn", got.get("lead_partner_urn", "absent"))
        facts[reader] = (
            got["trainee_id"],
            got["first_names"],
            got["date_of_birth"],
            subject,
            partner,
            got["state"],
            got["itt_start_date"],
            [p["placement_id"] for p in got["placements"]],
            [d["degree_id"] for d in got["degrees"]],
        )
    assert len(set(map(repr, facts.values()))) == 1, facts


@pytest.mark.parametrize(
    ("version", "present", "absent"),
    [
        (
            "v2026.1",
            {
                "course_subject_1",
                "training_partner_urn",
                "withdrawal_date",
                "withdrawal_reasons",
                "iqts_country",
            },
            {"course_subject_one", "lead_partner_urn", "withdraw_date", "expected_end_date"},
        ),
        (
            "v2026.0",
            {"course_subject_1", "training_partner_ukprn", "withdrawal_date"},
            {"iqts_country", "lead_partner_urn"},
        ),
        (
            "v2025.0",
            {
                "course_subject_one",
                "course_subject_three",
                "lead_partner_urn",
                "lead_partner_ukprn",
                "withdraw_date",
                "withdraw_reasons",
                "withdrawal_safeguarding_concern_reasons",
            },
            {
                "course_subject_1",
                "training_partner_urn",
                "withdrawal_date",
                "iqts_country",
                "bursary_level",
                "expected_end_date",
                "course_study_mode",
                "hesa_disabilities",
            },
        ),
        (
            "v1.0-pre",
            {
                "expected_end_date",
                "bursary_level",
                "course_study_mode",
                "hesa_disabilities",
                "withdraw_date",
            },
            {"withdrawal_safeguarding_concern_reasons", "iqts_country"},
        ),
        (
            "v0.1",
            {"expected_end_date", "bursary_level", "hesa_disabilities", "lead_partner_urn"},
            {"withdrawal_safeguarding_concern_reasons", "training_partner_urn"},
        ),
    ],
)
async def test_each_version_renders_its_own_field_set(client, provider, version, present, absent):
    created = await create(client, provider, "v2026.1")
    got = (
        await client.get(
            f"/api/{version}/trainees/{created['trainee_id']}", headers=provider.headers
        )
    ).json()
    assert present <= set(got), present - set(got)
    assert not absent & set(got), absent & set(got)


async def test_the_oldest_versions_derive_their_extra_fields(client, provider):
    created = await create(client, provider, "v2026.1")
    got = (
        await client.get(f"/api/v0.1/trainees/{created['trainee_id']}", headers=provider.headers)
    ).json()
    assert got["expected_end_date"] == created["itt_end_date"]
    assert got["bursary_level"] == created["funding_method"]
    assert got["course_study_mode"] == created["study_mode"]
    assert got["hesa_disabilities"] == {"disability1": "58"}


async def test_old_request_names_are_ignored_by_new_versions_and_new_by_old(client, provider):
    new_names = body_for("v2026.1", course_subject_1=..., course_subject_one="100346")
    response = await client.post(
        "/api/v2026.1/trainees", json={"data": new_names}, headers=provider.headers
    )
    assert response.json()["errors"] == ["course_subject_1 can't be blank"]
    old = {**body_for("v2025.0", course_subject_1=...), "course_subject_1": "100346"}
    response = await client.post(
        "/api/v2025.0/trainees", json={"data": old}, headers=provider.headers
    )
    assert response.json()["errors"] == ["course_subject_one can't be blank"]


async def test_v0_1_words_messages_with_humanised_names(client, provider):
    body = body_for("v0.1", first_names=..., hesa_id=..., itt_aim=...)
    response = await client.post(
        "/api/v0.1/trainees", json={"data": body}, headers=provider.headers
    )
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {
        "First names can't be blank",
        "Hesa can't be blank",
        "Hesa trainee detail attributes Itt aim can't be blank",
    }


@pytest.mark.parametrize(
    ("version", "degree_errors_key"),
    [
        ("v2026.1", "degrees_attributes"),
        ("v2026.0", "degrees_attributes"),
        ("v2025.0", "graduation_year"),
    ],
)
async def test_enhanced_errors_nest_degrees_only_from_v2026(
    client, provider, version, degree_errors_key
):
    degree = {
        "subject": "100485",
        "institution": "0117",
        "uk_degree": "083",
        "grade": "02",
        "graduation_year": "abc",
    }
    response = await client.post(
        f"/api/{version}/trainees",
        json={"data": body_for(version, degrees_attributes=[degree])},
        headers={**provider.headers, "Enhanced-Errors": "true"},
    )
    errors = response.json()["errors"]
    assert list(errors) == [degree_errors_key]
    if degree_errors_key == "degrees_attributes":
        assert list(errors["degrees_attributes"]) == ["graduation_year"]


async def test_v1_0_pre_has_no_enhanced_errors(client, provider):
    response = await client.post(
        "/api/v1.0-pre/trainees",
        json={"data": body_for("v1.0-pre", first_names="")},
        headers={**provider.headers, "Enhanced-Errors": "true"},
    )
    assert response.json()["errors"] == ["first_names can't be blank"]


@pytest.mark.parametrize("version", ["v0.1", "v1.0-pre"])
async def test_update_qts_or_eyts_status_does_not_exist_before_v2025(client, provider, version):
    t = await in_state(client, provider, "trn_received")
    response = await client.post(
        f"/api/{version}/trainees/{t['trainee_id']}/update-qts-or-eyts-status",
        json={"data": {"qts_standards_met_date": t["itt_start_date"]}},
        headers=provider.headers,
    )
    assert (response.status_code, response.json()["errors"][0]["message"]) == (404, "Not found")
    old = await client.post(
        f"/api/{version}/trainees/{t['trainee_id']}/recommend-for-qts",
        json={"data": {"qts_standards_met_date": t["itt_start_date"]}},
        headers=provider.headers,
    )
    assert old.status_code == 202


async def test_v2025_0_withdraws_with_withdraw_date(client, provider):
    t = await in_state(client, provider, "trn_received")
    body = {
        "withdraw_date": t["itt_start_date"],
        "trigger": "provider",
        "reasons": ["record_added_in_error"],
        "future_interest": "no",
    }
    response = await client.post(
        f"/api/v2025.0/trainees/{t['trainee_id']}/withdraw",
        json={"data": body},
        headers=provider.headers,
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["withdraw_date"], data["withdraw_reasons"]) == (
        t["itt_start_date"],
        ["record_added_in_error"],
    )
    ignored = await client.post(
        f"/api/v2026.1/trainees/{t['trainee_id']}/withdraw",
        json={"data": body},
        headers=provider.headers,
    )
    assert ignored.status_code == 422


async def test_v1_0_pre_words_refusals_as_the_trainee(client, provider):
    t = await in_state(client, provider, "withdrawn")
    defer = await client.post(
        f"/api/v1.0-pre/trainees/{t['trainee_id']}/defer",
        json={"data": {"defer_date": "2026-01-01"}},
        headers=provider.headers,
    )
    assert defer.json()["errors"][0]["message"] == (
        "Trainee state is invalid must be one of [submitted_for_trn, trn_received]"
    )
    raw = await client.post(
        f"/api/v0.1/trainees/{t['trainee_id']}/defer",
        json={"data": {"defer_date": "2026-01-01"}},
        headers=provider.headers,
    )
    assert raw.json()["errors"][0]["message"] == (
        "state is invalid must be one of [submitted_for_trn, trn_received]"
    )


async def test_v1_0_pre_words_withdrawal_fields_humanised(client, provider):
    t = await in_state(client, provider, "trn_received")
    response = await client.post(
        f"/api/v1.0-pre/trainees/{t['trainee_id']}/withdraw",
        json={"data": {"trigger": "provider"}},
        headers=provider.headers,
    )
    assert [e["message"] for e in response.json()["errors"]] == [
        "Withdraw date Choose a withdrawal date",
        "Future interest is not included in the list",
        "Reasons Choose one or more reasons why the trainee withdrew from the course",
    ]


@pytest.mark.parametrize("version", ["v2026.0", "v2025.0"])
async def test_complete_trainees_stay_editable_before_v2026_1(client, provider, version):
    t = await in_state(client, provider, "withdrawn")
    response = await client.put(
        f"/api/{version}/trainees/{t['trainee_id']}",
        json={"data": {"middle_names": "Late"}},
        headers=provider.headers,
    )
    assert response.status_code == 200, response.text
