"""The second-stage (submission) checks on create, with their section-keyed body (api.md 7.5)."""

from __future__ import annotations

from tests.bodies import trainee

V = "/api/v2026.1"
SECTIONS = {
    "message": "Validation failed: 1 error prohibited this trainee from being saved",
    "errors": {
        "diversity": {
            "disability_ids": ["Trainee has been disclosed as disabled but no disabilities exist"]
        }
    },
}


async def post(client, provider, headers=None, **overrides):
    return await client.post(
        f"{V}/trainees",
        json={"data": trainee(**overrides)},
        headers={**provider.headers, **(headers or {})},
    )


async def test_submission_diversity_disabled_without_a_disability_is_refused(client, provider):
    response = await post(client, provider, disability1="98", disability2="99")
    assert response.status_code == 422
    assert response.json() == SECTIONS


async def test_submission_diversity_body_is_the_same_with_enhanced_errors(client, provider):
    response = await post(
        client, provider, {"Enhanced-Errors": "true"}, disability1="95", disability2="98"
    )
    assert response.json() == SECTIONS


async def test_submission_checks_run_only_after_the_attribute_rules(client, provider):
    response = await post(client, provider, disability1="98", disability2="99", sex="")
    assert response.json()["errors"] == ["sex can't be blank"]


async def test_submission_checks_do_not_run_on_update(client, provider):
    created = await post(client, provider)
    response = await client.patch(
        f"{V}/trainees/{created.json()['data']['trainee_id']}",
        json={"data": {"disability1": "98", "disability2": "99"}},
        headers=provider.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["disability_disclosure"] == "disabled"


async def test_submission_failure_records_nothing(client, provider):
    await post(client, provider, disability1="98", disability2="99")
    response = await client.get(f"{V}/trainees", headers=provider.headers)
    assert response.status_code == 404
