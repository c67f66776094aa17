"""The audit views of an erased trainee: every event kept, every personal value erased."""

from __future__ import annotations

import pytest

from tests.api.test_erasure import SENT, erased_trainee
from tests.cli.test_cli import environment, trainees

A = "/audit/v1"
VOCABULARIES = ("v2026.1", "v2026.0", "v2025.0", "v1.0-pre", "v0.1")


@pytest.mark.parametrize("version", VOCABULARIES)
async def test_an_erased_trainee_audits_with_erased_values_in_every_vocabulary(
    client, provider, auditor, database, version
) -> None:
    tid = await erased_trainee(client, provider, database)
    state = await client.get(f"{A}/trainees/{tid}?vocabulary={version}", headers=auditor.headers)
    assert state.status_code == 200, state.text
    data = state.json()["data"]
    assert data["first_names"] == "erased" and data["date_of_birth"] == "erased"
    assert data["state"] == "submitted_for_trn" and data["itt_start_date"]
    assert not [v for v in SENT.values() if v in state.text]
    events = await client.get(
        f"{A}/trainees/{tid}/events?vocabulary={version}", headers=auditor.headers
    )
    assert events.status_code == 200, events.text
    assert [e["event"] for e in events.json()["data"]] == [
        "Registered",
        "SubmittedForTrn",
        "Erased",
    ]
    assert not [v for v in SENT.values() if v in events.text]


async def test_the_chain_still_verifies_and_the_rebuild_gives_the_same_rows(
    client, provider, database
) -> None:
    tid = await erased_trainee(client, provider, database)
    env = environment(DATABASE_URL=database.url)
    assert trainees("audit", "verify", tid, env=env).returncode == 0
    verified = trainees("projections", "rebuild", "--verify", env=env)
    assert "verify: 0 rows differ" in verified.stdout
