"""Seeding the bench database: providers with tokens, and trainees' events written with COPY."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import asyncpg

from domain.trainee import Trainee
from domain.values import Actor, ProviderRef
from service import accounts
from service.bench import trainees
from service.bench.database import bench_master_keys
from service.eventstore import EVENTS_TABLE, SealingMapper, keyed_mapper
from service.versions import HEAD

Progress = Callable[[int, int], None]
CHUNK = 2_000  # trainees generated and copied at a time
COLUMNS = ("originator_id", "originator_version", "topic", "state")


@dataclass(frozen=True)
class Provider:
    """A bench provider and its bearer token."""

    ref: ProviderRef
    token: str
    token_id: str


@dataclass
class Seeded:
    """What the database holds: providers, trainees (token, slug) and the events count."""

    providers: list[Provider]
    model: Trainee
    trainees: list[tuple[str, str]] = field(default_factory=list)
    events: int = 0
    history_slug: str = ""


def _actor(p: Provider) -> Actor:
    return Actor(source="api", provider_id=p.ref.provider_id, token_id=p.token_id,
                 api_version=HEAD.name, request_id=uuid.uuid4().hex)  # fmt: skip


async def _copy_keys(conn: asyncpg.Connection, mapper: SealingMapper, rows: list[Any]) -> None:
    """Store the data keys the seeded trainees' events were sealed with."""
    assert mapper.keyring is not None
    ids = {r[0] for r in rows}
    keys = mapper.keyring.pending(ids)
    await conn.copy_records_to_table(
        "trainee_keys", records=keys, columns=("trainee_id", "wrapped", "master_key_id")
    )
    mapper.keyring.stored(ids)
    for trainee_id in ids:
        mapper.keyring.forget(trainee_id)  # a hundred thousand keys need not stay in memory


async def providers(url: str, count: int, today: date) -> Seeded:
    """Register `count` providers, each with a token, and the model trainee."""
    conn = await asyncpg.connect(url)
    try:
        made = []
        for n in range(count):
            ukprn = str(20_000_000 + n)
            pid = await accounts.add_provider(conn, f"Bench provider {n}", ukprn, None)
            token_id, token = await accounts.issue_token(conn, ukprn, None)
            made.append(Provider(ProviderRef(provider_id=pid, ukprn=ukprn), token, token_id))
    finally:
        await conn.close()
    return Seeded(made, trainees.template(made[0].ref, _actor(made[0]), today))


async def events(url: str, seeded: Seeded, count: int, progress: Progress) -> None:
    """Add about `count` events: deferrable trainees spread over the providers, copied in."""
    mapper = keyed_mapper(bench_master_keys(), makes_keys=True)
    wanted = -(-count // trainees.EVENTS_PER_TRAINEE)
    conn = await asyncpg.connect(url)
    try:
        for first in range(0, wanted, CHUNK):
            start, size = len(seeded.trainees), min(CHUNK, wanted - first)
            rows: list[trainees.Row] = []
            for n in range(start, start + size):
                p = seeded.providers[n % len(seeded.providers)]
                t = trainees.deferrable(seeded.model, p.ref, _actor(p), f"Seed{n}")
                rows += trainees.stored(mapper, t)
                seeded.trainees.append((p.token, t.slug))
            await conn.copy_records_to_table(EVENTS_TABLE, records=rows, columns=COLUMNS)
            await _copy_keys(conn, mapper, rows)
            seeded.events += len(rows)
            per = trainees.EVENTS_PER_TRAINEE
            progress((first + size) * per, wanted * per)
    finally:
        await conn.close()


async def history_trainee(url: str, seeded: Seeded, count: int) -> None:
    """Add one trainee with `count` events, for the history measure."""
    mapper = keyed_mapper(bench_master_keys(), makes_keys=True)
    p = seeded.providers[0]
    t = trainees.long_lived(seeded.model, p.ref, _actor(p), count)
    rows = trainees.stored(mapper, t)
    conn = await asyncpg.connect(url)
    try:
        await conn.copy_records_to_table(EVENTS_TABLE, records=rows, columns=COLUMNS)
        await _copy_keys(conn, mapper, rows)
    finally:
        await conn.close()
    seeded.history_slug = t.slug
    seeded.events += len(rows)
