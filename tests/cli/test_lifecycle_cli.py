"""Operator commands for transitions from outside the API, as real processes."""

from __future__ import annotations

import json

from tests.api.lifecycle import V, act, create
from tests.cli.test_cli import environment, trainees


async def test_trn_award_and_history_through_the_operator_commands(client, provider, database):
    env = environment(DATABASE_URL=database.url)
    t = await create(client, provider)
    tid = t["trainee_id"]
    assert (
        "trn_received" in trainees("trn", "receive", tid, "1234567", "--by", "ops", env=env).stdout
    )
    response = await act(
        client, provider, tid, "recommend-for-qts", qts_standards_met_date=t["itt_start_date"]
    )
    assert response.status_code == 202
    assert "awarded" in trainees("award", tid, env=env).stdout
    got = (await client.get(f"{V}/trainees/{tid}", headers=provider.headers)).json()
    assert (got["state"], got["trn"]) == ("awarded", "1234567")
    assert got["awarded_at"].startswith(t["itt_start_date"])
    history = json.loads(trainees("history", tid, "--json", env=env).stdout)
    assert [e["event"] for e in history] == [
        "Registered",
        "SubmittedForTrn",
        "TrnReceived",
        "RecommendedForAward",
        "Awarded",
    ]
    assert history[2]["actor"] == {"type": "teacher_record_system", "recorded_by": "ops"}
    assert history[3]["changes"]["outcome_date"]["to"] == t["itt_start_date"]


async def test_reinstating_and_undoing_a_withdrawal(client, provider, database):
    env = environment(DATABASE_URL=database.url)
    t = await create(client, provider)
    tid = t["trainee_id"]
    await act(client, provider, tid, "defer", defer_date=t["itt_start_date"])
    assert "submitted_for_trn" in trainees("reinstate", tid, "--date", "2026-11-01", env=env).stdout
    withdrawn = await act(
        client,
        provider,
        tid,
        "withdraw",
        withdrawal_date=t["itt_start_date"],
        trigger="provider",
        reasons=["record_added_in_error"],
        future_interest="no",
    )
    assert withdrawn.status_code == 200
    undone = trainees("withdrawal", "undo", tid, "--comment", "Entered by mistake", env=env)
    assert "submitted_for_trn" in undone.stdout
    got = (await client.get(f"{V}/trainees/{tid}", headers=provider.headers)).json()
    assert (got["state"], got["withdrawal_date"], got["reinstate_date"]) == (
        "submitted_for_trn",
        None,
        "2026-11-01",
    )


async def test_a_refused_transition_says_so(client, provider, database):
    env = environment(DATABASE_URL=database.url)
    t = await create(client, provider)
    result = trainees("award", t["trainee_id"], env=env, check=False)
    assert result.returncode == 1 and "current state" in result.stderr
    missing = trainees("reinstate", "nosuchtrainee", env=env, check=False)
    assert missing.returncode == 1 and "no trainee" in missing.stderr
