"""Master key rotation: every wrapped key re-wrapped by the current master key, in batches,
while the service keeps reading and writing with either key."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

import asyncpg

from service.keyring import MasterKeys, key_id, unwrap, wrap

Progress = Callable[[int, int], None]

_LEFT = "SELECT count(*) FROM trainee_keys WHERE wrapped IS NOT NULL AND master_key_id <> $1"
_BATCH = (
    "SELECT trainee_id, wrapped, master_key_id FROM trainee_keys"
    " WHERE wrapped IS NOT NULL AND master_key_id <> $1 ORDER BY trainee_id LIMIT $2"
    " FOR UPDATE SKIP LOCKED"
)
_REWRAP = (
    "UPDATE trainee_keys k SET wrapped = u.wrapped, master_key_id = $3"
    " FROM unnest($1::uuid[], $2::bytea[]) AS u(id, wrapped)"
    " WHERE k.trainee_id = u.id AND k.wrapped IS NOT NULL"
)


@dataclass(frozen=True)
class Rotated:
    """What a rotation re-wrapped."""

    keys: int
    secrets: int
    master_key_id: str


async def _secrets(conn: asyncpg.Connection, master: MasterKeys, current: bytes) -> int:
    done = 0
    async with conn.transaction():
        rows = await conn.fetch(
            "SELECT name, wrapped, master_key_id FROM keyring_secrets"
            " WHERE master_key_id <> $1 FOR UPDATE",
            key_id(current),
        )
        for name, wrapped, old in rows:
            secret = unwrap(master.by_id(old), wrapped, name.encode())
            await conn.execute(
                "UPDATE keyring_secrets SET wrapped = $2, master_key_id = $3 WHERE name = $1",
                name,
                wrap(current, secret, name.encode()),
                key_id(current),
            )
            done += 1
    return done


async def _sweep(
    conn: asyncpg.Connection, master: MasterKeys, current: bytes, batch: int, progress: Progress,
    done: int, total: int,
) -> int:  # fmt: skip
    """Re-wrap, batch by batch, every data key not wrapped by the current master key."""
    current_id = key_id(current)
    while True:
        async with conn.transaction():
            rows = await conn.fetch(_BATCH, current_id, batch)
            if not rows:
                return done
            ids: list[UUID] = []
            wrapped: list[bytes] = []
            for trainee_id, old_wrapped, old_id in rows:
                data_key = unwrap(master.by_id(old_id), old_wrapped, trainee_id.bytes)
                ids.append(trainee_id)
                wrapped.append(wrap(current, data_key, trainee_id.bytes))
            await conn.execute(_REWRAP, ids, wrapped, current_id)
        done += len(rows)
        progress(done, max(total, done))


async def rotate(
    dsn: str,
    master: MasterKeys,
    *,
    batch: int = 1000,
    settle: float = 2.0,
    progress: Progress = lambda done, total: None,
) -> Rotated:
    """Re-wrap every data key and secret by the current master key. A key made by a process
    that had not yet seen the new master key is caught by a second sweep after `settle`
    seconds; then nothing is wrapped by an older key."""
    current = master.current
    conn = await asyncpg.connect(dsn)
    try:
        secrets = await _secrets(conn, master, current)
        total = int(await conn.fetchval(_LEFT, key_id(current)))
        progress(0, total)
        done = await _sweep(conn, master, current, batch, progress, 0, total)
        await asyncio.sleep(settle)
        done = await _sweep(conn, master, current, batch, progress, done, total)
        secrets += await _secrets(conn, master, current)
        left = int(await conn.fetchval(_LEFT, key_id(current)))
        if left:
            raise RuntimeError(f"{left} keys are still wrapped by an older master key")
    finally:
        await conn.close()
    return Rotated(keys=done, secrets=secrets, master_key_id=key_id(current))
