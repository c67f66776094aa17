"""A rebuild gives back the rows the write path wrote; its verify counts each row that differs."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import asyncpg

from domain.errors import TraineeErased
from projections.trainee_view import COLUMNS, open_row, row_aad
from service.config import Settings
from service.keyring import Keyring, master_keys, open_sealed, seal
from tests.api.lifecycle import V, act, create, in_state
from tests.api.test_erasure import erased_trainee
from tests.api.test_placements_and_degrees import DEGREE
from tests.cli.test_cli import environment, trainees
from tests.conftest import new_provider

STATES = ("submitted_for_trn", "trn_received", "deferred", "withdrawn", "awarded")
INDEXES = """
SELECT regexp_replace(pg_get_indexdef(indexrelid), 'INDEX \\S+ ON \\S+', 'INDEX ON')
  FROM pg_index WHERE indrelid = 'trainees'::regclass
"""


async def written(open_app: Any, database: Any) -> None:
    """Trainees in every state and with every kind of event, written through the API and the
    operator commands."""
    client = await open_app(on=database)
    provider = await new_provider(database)
    for state in STATES:
        await in_state(client, provider, state)
    t = await create(client, provider, middle_names="Ann", provider_trainee_id="PT-7")
    tid, start, headers = t["trainee_id"], t["itt_start_date"], provider.headers
    base = f"{V}/trainees/{tid}"
    changed = await client.patch(base, json={"data": {"last_name": "Okafor"}}, headers=headers)
    assert changed.status_code == 200, changed.text
    first, second = (p["placement_id"] for p in t["placements"])
    placement = {"data": {"name": "Elm School"}}
    assert (
        await client.patch(f"{base}/placements/{first}", json=placement, headers=headers)
    ).is_success
    assert (await client.delete(f"{base}/placements/{second}", headers=headers)).is_success
    assert (await client.post(f"{base}/degrees", json={"data": DEGREE}, headers=headers)).is_success
    assert (await act(client, provider, tid, "defer", defer_date=start)).status_code == 200
    env = environment(DATABASE_URL=database.url)
    trainees("reinstate", tid, "--date", start, env=env)
    withdrawn = await act(client, provider, tid, "withdraw", withdrawal_date=start,
                          trigger="provider", reasons=["record_added_in_error"],
                          future_interest="no")  # fmt: skip
    assert withdrawn.status_code == 200, withdrawn.text
    trainees("withdrawal", "undo", tid, "--comment", "Entered by mistake", env=env)
    await erased_trainee(client, provider, database)


async def fetch(database: Any, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(database.url)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def live_rows(database: Any) -> dict[UUID, tuple[Any, ...]]:
    """Each read-model row as a reader sees it: its columns but the sealed one, and its whole
    document, the sealed members opened."""
    rows = await fetch(
        database,
        f"SELECT {', '.join(COLUMNS)}, k.wrapped, k.master_key_id FROM trainees t"
        " LEFT JOIN trainee_keys k ON k.trainee_id = t.id",
    )
    keyring = Keyring(master_keys(Settings.from_env()))
    seen = {}
    for r in rows:
        try:
            doc = open_row(keyring, (r["id"], r["doc"], r["sealed"], r["erased_at"],
                                     r["wrapped"], r["master_key_id"]))  # fmt: skip
        except TraineeErased:
            doc = r["doc"].encode()
        seen[r["id"]] = (*(r[c] for c in COLUMNS if c not in ("sealed", "doc")), doc)
    return seen


def verify(database: Any) -> Any:
    return trainees(
        "projections", "rebuild", "--verify", env=environment(DATABASE_URL=database.url),
        check=False,
    )  # fmt: skip


async def test_a_verify_of_trainees_in_every_state_finds_every_row_as_written(
    open_app, migrated_database
):
    await written(open_app, migrated_database)
    events = (await fetch(migrated_database, "SELECT count(*) FROM traineeregister_events"))[0][0]
    rows = (await fetch(migrated_database, "SELECT count(*) FROM trainees"))[0][0]
    checked = verify(migrated_database)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"trainees: {events:,} events into {rows:,} rows" in checked.stdout
    assert "verify: 0 rows differ" in checked.stdout


async def test_a_rebuild_writes_back_every_row_and_index_as_the_write_path_wrote_them(
    open_app, migrated_database
):
    await written(open_app, migrated_database)
    before = await live_rows(migrated_database)
    indexes = sorted(r[0] for r in await fetch(migrated_database, INDEXES))
    trainees("projections", "rebuild", env=environment(DATABASE_URL=migrated_database.url))
    assert await live_rows(migrated_database) == before
    assert sorted(r[0] for r in await fetch(migrated_database, INDEXES)) == indexes
    assert len(indexes) == 4


STORED = """
SELECT (SELECT reloptions FROM pg_class WHERE oid = 'trainees'::regclass),
       (SELECT count(*) FILTER (WHERE pg_column_compression(doc) IS NOT NULL) FROM trainees),
       (SELECT count(*) FILTER (WHERE pg_column_compression(state) IS NOT NULL)
          FROM traineeregister_events)
"""


async def test_rows_are_kept_whole_by_the_write_path_and_by_a_rebuild(open_app, migrated_database):
    await written(open_app, migrated_database)
    largest = await fetch(migrated_database, "SELECT max(octet_length(doc::text)) FROM trainees")
    assert largest[0][0] > 2032  # longer than a row compressed by default
    whole = (["toast_tuple_target=8160"], 0, 0)
    assert tuple((await fetch(migrated_database, STORED))[0]) == whole
    trainees("projections", "rebuild", env=environment(DATABASE_URL=migrated_database.url))
    assert tuple((await fetch(migrated_database, STORED))[0]) == whole


async def test_a_verify_counts_each_live_row_that_differs_from_the_events(
    open_app, migrated_database
):
    await written(open_app, migrated_database)
    sealed = await fetch(
        migrated_database,
        "SELECT t.id, t.sealed, k.wrapped, k.master_key_id FROM trainees t"
        " JOIN trainee_keys k ON k.trainee_id = t.id WHERE t.sealed IS NOT NULL ORDER BY t.id",
    )
    keyring = Keyring(master_keys(Settings.from_env()))
    opened = []
    for trainee_id, members, wrapped, master_id in sealed[:2]:
        aead = keyring.opened(trainee_id, wrapped, master_id)
        assert aead is not None
        opened.append((trainee_id, aead, open_sealed(aead, members, row_aad(trainee_id))))
    (same_id, same_key, same), (other_id, other_key, other) = opened
    changed = other.replace(b'"first_names":"', b'"first_names":"Not ', 1)
    assert changed != other
    doc_id, hash_id, gone_id = (r[0] for r in sealed[2:5])
    conn = await asyncpg.connect(migrated_database.url)
    try:
        update = "UPDATE trainees SET sealed = $2 WHERE id = $1"
        # sealed again with a fresh nonce: the same members, no difference
        await conn.execute(update, same_id, seal(same_key, same, row_aad(same_id)))
        await conn.execute(update, other_id, seal(other_key, changed, row_aad(other_id)))
        await conn.execute(
            'UPDATE trainees SET doc = replace(doc::text, \'"state":"\', \'"state":"x\')::json'
            " WHERE id = $1",
            doc_id,
        )
        await conn.execute("UPDATE trainees SET email_key = 'x' WHERE id = $1", hash_id)
        await conn.execute("DELETE FROM trainees WHERE id = $1", gone_id)
        extra = uuid4()
        await conn.execute(
            f"INSERT INTO trainees ({', '.join(COLUMNS)}) SELECT $2, 'extra' || slug,"
            f" 'extra' || slug_key, {', '.join(COLUMNS[3:])} FROM trainees WHERE id = $1",
            same_id,
            extra,
        )
    finally:
        await conn.close()
    checked = verify(migrated_database)
    assert checked.returncode == 1
    assert "verify: 5 rows differ" in checked.stdout, checked.stdout + checked.stderr
