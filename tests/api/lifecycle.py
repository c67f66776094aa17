"""Driving a trainee through the API (and the teacher-record port) into any state."""

from __future__ import annotations

from typing import Any

from service.teacher_records import LocalTeacherRecords
from tests.bodies import trainee

V = "/api/v2026.1"
TWO_PLACEMENTS = [{"urn": "900020", "name": "A"}, {"urn": "900010", "name": "B"}]
WITHDRAWAL = {
    "withdrawal_date": None,  # filled with the ITT start date
    "trigger": "provider",
    "reasons": ["record_added_in_error"],
    "future_interest": "no",
}


def port(client: Any) -> LocalTeacherRecords:
    """The teacher-record adapter of the application under test."""
    return LocalTeacherRecords(client.app.state.register, "test-operator")


async def create(client: Any, provider: Any, **overrides: Any) -> dict[str, Any]:
    body = trainee(placements_attributes=TWO_PLACEMENTS, **overrides)
    response = await client.post(f"{V}/trainees", json={"data": body}, headers=provider.headers)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def act(client: Any, provider: Any, tid: str, action: str, **data: Any) -> Any:
    return await client.post(
        f"{V}/trainees/{tid}/{action}", json={"data": data}, headers=provider.headers
    )


async def in_state(client: Any, provider: Any, state: str) -> dict[str, Any]:
    """A new trainee of the provider, driven into the state."""
    t = await create(client, provider)
    tid, start = t["trainee_id"], t["itt_start_date"]
    if state in ("trn_received", "recommended_for_award", "awarded"):
        port(client).trn_received(tid, "1234567")
    if state == "deferred":
        assert (await act(client, provider, tid, "defer", defer_date=start)).status_code == 200
    if state == "withdrawn":
        response = await act(
            client, provider, tid, "withdraw", **{**WITHDRAWAL, "withdrawal_date": start}
        )
        assert response.status_code == 200, response.text
    if state in ("recommended_for_award", "awarded"):
        response = await act(
            client, provider, tid, "update-qts-or-eyts-status", qts_standards_met_date=start
        )
        assert response.status_code == 202, response.text
    if state == "awarded":
        port(client).awarded(tid, None)
    got = await client.get(f"{V}/trainees/{tid}", headers=provider.headers)
    assert got.json()["state"] == state
    return dict(got.json())
