"""Every (state, action) pair of the state machine through HTTP (domain.md 1.3, api.md 9)."""

from __future__ import annotations

import pytest

from tests.api.lifecycle import WITHDRAWAL, V, act, in_state

STATES = [
    "submitted_for_trn",
    "trn_received",
    "deferred",
    "withdrawn",
    "recommended_for_award",
    "awarded",
]
REFUSAL = "It’s not possible to perform this action while the trainee is in its current state"
TRANSITION_REFUSED = {"errors": [{"error": "StateTransitionError", "message": REFUSAL}]}
EDITABLE = {"submitted_for_trn", "trn_received", "deferred"}


@pytest.mark.parametrize("state", STATES)
async def test_withdraw_is_allowed_only_in_training_or_deferred(client, provider, state):
    t = await in_state(client, provider, state)
    response = await act(
        client,
        provider,
        t["trainee_id"],
        "withdraw",
        **{**WITHDRAWAL, "withdrawal_date": t["itt_start_date"]},
    )
    if state in ("submitted_for_trn", "trn_received", "deferred"):
        assert response.status_code == 200
        assert response.json()["data"]["state"] == "withdrawn"
    else:
        assert (response.status_code, response.json()) == (422, TRANSITION_REFUSED)


@pytest.mark.parametrize("state", STATES)
async def test_defer_is_allowed_only_before_a_trn_or_with_one(client, provider, state):
    t = await in_state(client, provider, state)
    response = await act(client, provider, t["trainee_id"], "defer", defer_date="2026-01-01")
    if state in ("submitted_for_trn", "trn_received"):
        assert response.status_code == 200
        assert response.json()["data"]["state"] == "deferred"
    else:
        assert response.status_code == 422
        assert response.json() == {
            "errors": [
                {
                    "error": "UnprocessableEntity",
                    "message": (
                        "state is invalid must be one of [submitted_for_trn, trn_received]"
                    ),
                }
            ]
        }


@pytest.mark.parametrize("state", STATES)
async def test_recommend_is_allowed_only_with_a_trn(client, provider, state):
    t = await in_state(client, provider, state)
    response = await act(
        client,
        provider,
        t["trainee_id"],
        "recommend-for-qts",
        qts_standards_met_date=t["itt_start_date"],
    )
    if state == "trn_received":
        assert response.status_code == 202
        assert response.json()["data"]["state"] == "recommended_for_award"
    else:
        assert response.status_code == 422
        refusal = {
            "error": "UnprocessableEntity",
            "message": "state must be selected as trn_received",
        }
        assert refusal in response.json()["errors"]


@pytest.mark.parametrize("state", STATES)
async def test_editing_the_record_is_refused_once_complete(client, provider, state):
    t = await in_state(client, provider, state)
    response = await client.put(
        f"{V}/trainees/{t['trainee_id']}",
        json={"data": {"first_names": "Changed"}},
        headers=provider.headers,
    )
    if state in EDITABLE:
        assert response.status_code == 200
    else:
        assert (response.status_code, response.json()) == (422, TRANSITION_REFUSED)


@pytest.mark.parametrize("state", STATES)
async def test_placements_and_degrees_are_frozen_once_complete(client, provider, state):
    t = await in_state(client, provider, state)
    tid, headers = t["trainee_id"], provider.headers
    placement_id = t["placements"][0]["placement_id"]
    degree_id = t["degrees"][0]["degree_id"]
    degree = {
        "subject": "100425",
        "institution": "0117",
        "uk_degree": "083",
        "grade": "02",
        "graduation_year": 2010,
    }
    calls = [
        client.post(
            f"{V}/trainees/{tid}/placements", json={"data": {"name": "C"}}, headers=headers
        ),
        client.put(
            f"{V}/trainees/{tid}/placements/{placement_id}",
            json={"data": {"name": "D"}},
            headers=headers,
        ),
        client.post(f"{V}/trainees/{tid}/degrees", json={"data": degree}, headers=headers),
        client.patch(
            f"{V}/trainees/{tid}/degrees/{degree_id}",
            json={"data": {"graduation_year": 2011}},
            headers=headers,
        ),
        client.delete(f"{V}/trainees/{tid}/placements/{placement_id}", headers=headers),
        client.delete(f"{V}/trainees/{tid}/degrees/{degree_id}", headers=headers),
    ]
    for call in calls:
        response = await call
        if state in EDITABLE:
            assert response.status_code in (200, 201), response.text
        else:
            assert (response.status_code, response.json()) == (422, TRANSITION_REFUSED)


@pytest.mark.parametrize("state", STATES)
async def test_reading_is_allowed_in_every_state(client, provider, state):
    t = await in_state(client, provider, state)
    tid = t["trainee_id"]
    for path in ("", "/placements", "/degrees"):
        response = await client.get(f"{V}/trainees/{tid}{path}", headers=provider.headers)
        assert response.status_code == 200
