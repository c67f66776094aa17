"""Bounded waits: the read pool gives up on a busy pool; writes give up at their deadline."""

from __future__ import annotations

import asyncio
import threading

import pytest

from service.commands import StoreUnavailable
from service.timeouts import DeadlineExecutor, read_pool


async def test_waiting_for_a_pooled_connection_times_out(database):
    pool = await read_pool(database.url, 1, 0.2)
    try:
        async with pool.acquire():
            with pytest.raises(TimeoutError):
                await pool.fetchval("SELECT 1")
        assert await pool.fetchval("SELECT 1") == 1
    finally:
        await pool.close()


async def test_a_write_answers_within_its_deadline():
    executor = DeadlineExecutor(1, deadline=5)
    loop = asyncio.get_running_loop()
    assert await loop.run_in_executor(executor, lambda: 42) == 42
    with pytest.raises(ValueError):
        await loop.run_in_executor(executor, int, "not a number")
    executor.shutdown()
    assert executor.in_flight == 0


async def test_a_write_past_its_deadline_is_unavailable_and_queued_work_never_starts():
    executor = DeadlineExecutor(1, deadline=0.2)
    loop = asyncio.get_running_loop()
    release, started = threading.Event(), []
    running = loop.run_in_executor(executor, release.wait)
    queued = loop.run_in_executor(executor, lambda: started.append(True))
    with pytest.raises(StoreUnavailable):
        await running
    with pytest.raises(StoreUnavailable):
        await queued
    release.set()
    executor.shutdown(wait=True)
    assert started == [] and executor.in_flight == 0
