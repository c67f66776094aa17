"""Erasure: what every version answers for an erased trainee, and what the history keeps."""

from __future__ import annotations

import json

import asyncpg
import pytest

from tests.api.lifecycle import TWO_PLACEMENTS
from tests.api.test_versions import ALL, body_for
from tests.bodies import trainee
from tests.cli.test_cli import environment, trainees

V = "/api/v2026.1"
SENT = {
    "first_names": "Philippa",
    "last_name": "Quennell-Erasmus",
    "email": "philippa.quennell@example.org",
    "ni_number": "QQ123456C",
    "date_of_birth": "1988-04-17",
}


async def erased_trainee(client, provider, database, **overrides):
    body = trainee(placements_attributes=TWO_PLACEMENTS, **(SENT | overrides))
    created = await client.post(f"{V}/trainees", json={"data": body}, headers=provider.headers)
    assert created.status_code == 201, created.text
    tid = created.json()["data"]["trainee_id"]
    env = environment(DATABASE_URL=database.url)
    out = trainees(
        "erase", tid, "--reason", "subject access: erasure request", "--ticket",
        "https://support.example/4711", "--by", "dpo", env=env,
    ).stdout  # fmt: skip
    assert f"trainee {tid} erased" in out
    return tid


@pytest.mark.parametrize("version", ALL)
async def test_an_erased_trainee_is_gone_in_every_version(client, provider, database, version):
    tid = await erased_trainee(client, provider, database)
    base = f"/api/{version}/trainees"
    read = await client.get(f"{base}/{tid}", headers=provider.headers)
    assert read.status_code == 410
    assert read.json()["errors"][0]["error"] == "Gone"
    assert "erased" in read.json()["errors"][0]["message"]
    assert "Philippa" not in read.text
    update = await client.put(
        f"{base}/{tid}", json={"data": {"first_names": "Again"}}, headers=provider.headers
    )
    assert update.status_code == 410
    defer = await client.post(
        f"{base}/{tid}/defer", json={"data": {"defer_date": "2025-10-01"}}, headers=provider.headers
    )
    assert defer.status_code == 410
    placements = await client.get(f"{base}/{tid}/placements", headers=provider.headers)
    assert placements.status_code == 410
    listed = await client.get(base, headers=provider.headers)
    assert tid not in listed.text


@pytest.mark.parametrize("version", ALL)
async def test_an_erased_trainee_is_no_duplicate_of_a_new_one(client, provider, database, version):
    await erased_trainee(client, provider, database, last_name="Erasmus-Twin")
    again = body_for(version, **SENT | {"last_name": "Erasmus-Twin"})
    created = await client.post(
        f"/api/{version}/trainees", json={"data": again}, headers=provider.headers
    )
    assert created.status_code == 201, created.text


async def test_another_provider_still_gets_not_found(client, provider, other_provider, database):
    tid = await erased_trainee(client, provider, database)
    read = await client.get(f"{V}/trainees/{tid}", headers=other_provider.headers)
    assert read.status_code == 404


async def test_the_history_shows_erased_values_and_keeps_the_rest(client, provider, database):
    tid = await erased_trainee(client, provider, database)
    env = environment(DATABASE_URL=database.url)
    history = json.loads(trainees("history", tid, "--json", env=env).stdout)
    assert [e["event"] for e in history] == ["Registered", "SubmittedForTrn", "Erased"]
    registered = history[0]["changes"]
    for field in ("first_names", "last_name", "email", "ni_number", "date_of_birth"):
        assert registered[field] == {"from": None, "to": "erased"}
    assert registered["training_route"] == {"from": None, "to": "12"}
    assert any(k.startswith("placements.") for k in registered)
    erased = history[2]
    assert erased["actor"] == {"type": "operator", "operator": "dpo"}
    text = trainees("history", tid, env=env).stdout
    assert "Philippa" not in text and 'first_names: null -> "erased"' in text


async def test_erasing_twice_records_one_erasure(client, provider, database):
    tid = await erased_trainee(client, provider, database)
    env = environment(DATABASE_URL=database.url)
    again = trainees("erase", tid, "--reason", "again", env=env).stdout
    assert "already erased" in again
    history = json.loads(trainees("history", tid, "--json", env=env).stdout)
    assert [e["event"] for e in history].count("Erased") == 1


async def test_erasure_needs_a_reason_and_a_known_trainee(database):
    env = environment(DATABASE_URL=database.url)
    assert trainees("erase", "NoSuchTrainee", "--reason", "x", env=env, check=False).returncode == 1
    blank = trainees("erase", "NoSuchTrainee", "--reason", " ", env=env, check=False)
    assert blank.returncode == 2


async def test_the_read_model_keeps_the_non_personal_record(client, provider, database):
    tid = await erased_trainee(client, provider, database)
    conn = await asyncpg.connect(database.url)
    try:
        row = await conn.fetchrow("SELECT * FROM trainees WHERE slug = $1", tid)
        key = await conn.fetchrow("SELECT * FROM trainee_keys WHERE trainee_id = $1", row["id"])
    finally:
        await conn.close()
    doc = json.loads(row["doc"])
    assert doc["training_route"] == "12" and doc["state"] == "submitted_for_trn"
    assert "first_names" not in doc and "date_of_birth" not in doc
    assert row["sealed"] is None and row["last_name_key"] is None
    assert row["date_of_birth_key"] is None and row["email_key"] is None
    assert row["erased_at"] is not None
    assert key["wrapped"] is None and key["destroyed_at"] is not None
