"""Bounded waits: the read pool gives up on a busy pool; writes give up at their deadline."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from eventsourcing.application import AggregateNotFoundError

from domain.trainee import new_slug, trainee_uuid
from service.commands import StoreUnavailable
from service.config import Settings
from service.eventstore import open_register
from service.keyring import master_keys
from service.timeouts import OVERDUE, timed_pool
from service.writer import Writer


async def test_waiting_for_a_pooled_connection_times_out(database):
    pool = await timed_pool(database.url, 1, 0.2)
    try:
        async with pool.acquire():
            with pytest.raises(TimeoutError):
                await pool.fetchval("SELECT 1")
        assert await pool.fetchval("SELECT 1") == 1
    finally:
        await pool.close()


@pytest.fixture
async def writer(database):
    """A writer on its own pool of two connections, with a deadline of 0.3 s."""
    register = open_register(database, 1, master_keys(Settings.from_env()))
    pool = await timed_pool(database.url, 2, 5)
    yield Writer(pool, register, deadline=0.3)
    await pool.close()
    register.close()


def answer(register, *, value):
    return int(value)  # a use case that needs no trainee: decides without loading one


async def test_a_write_answers_within_its_deadline(writer):
    assert await writer.run(answer, value="42") == 42
    with pytest.raises(ValueError):
        await writer.run(answer, value="not a number")
    assert writer.in_flight == 0


async def test_a_write_past_its_deadline_is_unavailable_and_never_starts(writer):
    started = []

    def noted(register):
        started.append(True)

    async with writer.pool.acquire(), writer.pool.acquire():  # busy past the deadline
        with pytest.raises(StoreUnavailable):
            await writer.run(noted)
    await writer.drain()
    assert started == [] and writer.in_flight == 0


def absent(register, *, slug):
    """A use case that finds its trainee missing (loaded first, as every write's is)."""
    try:
        register.get_trainee(trainee_uuid(slug))
    except AggregateNotFoundError:
        return "not found"
    return "found"


async def test_a_write_running_at_its_deadline_goes_on_and_a_caller_may_wait_for_it(
    writer, database
):
    blocker = await asyncpg.connect(database.url)
    overdue = asyncio.Event()
    try:
        async with blocker.transaction():  # the write's load waits for this lock
            await blocker.execute("LOCK TABLE traineeregister_events IN ACCESS EXCLUSIVE MODE")
            with pytest.raises(StoreUnavailable):  # answered at the deadline...
                await writer.run(absent, slug=new_slug())
            assert writer.in_flight == 1  # ...while the write goes on
            OVERDUE.set(overdue)
            waiting = asyncio.ensure_future(writer.run(absent, slug=new_slug()))
            await asyncio.wait_for(overdue.wait(), 2)  # told when the deadline passed
            assert not waiting.done()
        assert await waiting == "not found"  # and answered when the write ended
        await writer.drain()
        assert writer.in_flight == 0
    finally:
        OVERDUE.set(None)
        await blocker.close()
