"""Requests racing on one trainee, sent at once to real `trainees serve` processes sharing a
database: lost races are retried on the server unless the client sent If-Match."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest

from projections import worker
from service.audit.chain import verify_store
from service.eventstore import EVENTS_TABLE, blind_mapper, settled_head
from tests.bodies import trainee
from tests.cli.test_cli import environment
from tests.ops.conftest import Server
from tests.ops.test_outages import (
    hold_lock,
    in_background,
    token_for_session,
    until,
    wait_for_a_waiting_request,
)

V = "/api/v2026.1"


@pytest.fixture(scope="module")
def servers(database, tmp_path_factory) -> Iterator[list[Server]]:
    """Two `trainees serve` processes on the test database."""
    env = environment(
        DATABASE_URL=database.url,
        TRAINEES_RATE_LIMIT="1000000",
        PYTHONFAULTHANDLER="1",  # a crash of the process would say where
    )
    folder = tmp_path_factory.mktemp("races")
    started = [Server(env, folder / f"serve-{i}.log") for i in range(2)]
    yield started
    for server in started:
        assert server.stop() == 0
        assert "Traceback" not in server.text()


@pytest.fixture
def headers(database) -> dict[str, str]:
    return token_for_session(database.url)


def version(response: httpx.Response) -> int:
    return int(response.headers["etag"].strip('"'))


async def at_once(
    *requests: tuple[Server, str, str, dict[str, Any], dict[str, str]],
) -> list[httpx.Response]:
    """Send every request at the same time; the answers in the same order."""
    async with httpx.AsyncClient(timeout=60) as http:
        return list(
            await asyncio.gather(
                *(
                    http.request(method, server.url + path, json=body, headers=headers)
                    for server, method, path, body, headers in requests
                )
            )
        )


async def created(server: Server, headers: dict[str, str]) -> str:
    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.post(
            server.url + f"{V}/trainees", json={"data": trainee()}, headers=headers
        )
    assert response.status_code == 201, response.text
    return str(response.json()["data"]["trainee_id"])


async def test_a_reader_tailing_the_events_while_many_write_sees_each_once_and_in_order(
    servers, headers, database
):
    """Sixteen writers on two processes register trainees and change four shared ones while a
    reader polls the events table by notification id up to the settled head, as the projection
    worker does, and the worker itself follows. Appends do not wait for one another, so ids
    commit out of order; the reader still sees every event once, ascending, and never one below
    its position after it has moved past (a commit behind its back would be skipped for good);
    the audit log gets each event exactly once; no update is lost; the hash chain verifies."""
    shared = [await created(servers[i % 2], headers) for i in range(4)]
    conn = await asyncpg.connect(database.url)
    since = await conn.fetchval(f"SELECT coalesce(max(notification_id), 0) FROM {EVENTS_TABLE}")
    seen: list[int] = []
    writing_done, stop_worker = asyncio.Event(), asyncio.Event()

    async def tail() -> None:
        position = since
        while True:
            last_round = writing_done.is_set()  # read before the query: one more after the end
            head = await settled_head(conn)
            ids = [r[0] for r in await conn.fetch(
                f"SELECT notification_id FROM {EVENTS_TABLE} WHERE notification_id > $1"
                " AND notification_id <= $2 ORDER BY notification_id", position, head)]  # fmt: skip
            seen.extend(ids)
            position = ids[-1] if ids else position
            if last_round:
                return
            await asyncio.sleep(0.002)

    async def write(n: int) -> list[int]:
        statuses = []
        async with httpx.AsyncClient(timeout=60) as http:
            for k in range(6):
                server = servers[(n + k) % 2]
                if k % 3 == 0:
                    answer = await http.post(
                        server.url + f"{V}/trainees", json={"data": trainee()}, headers=headers
                    )
                else:
                    answer = await http.patch(
                        server.url + f"{V}/trainees/{shared[(n + k) % 4]}",
                        json={"data": {"middle_names": f"Writer{n}x{k}"}},
                        headers=headers,
                    )
                statuses.append(answer.status_code)
        return statuses

    following = asyncio.create_task(
        worker.run(database.url, blind_mapper(), stop_worker, idle=0.01)
    )
    tailing = asyncio.create_task(tail())
    try:
        answers = await asyncio.gather(*(write(n) for n in range(16)))
    finally:
        writing_done.set()
        await tailing
    stop_worker.set()
    await following
    try:
        assert all(s == [201, 200, 200, 201, 200, 200] for s in answers), answers
        stored = [r[0] for r in await conn.fetch(
            f"SELECT notification_id FROM {EVENTS_TABLE} WHERE notification_id > $1"
            " ORDER BY notification_id", since)]  # fmt: skip
        assert seen == stored  # each once, ascending, none skipped
        patches = 16 * 4
        assert len(stored) >= 16 * 2 + patches  # a registration is one event or more
        await worker.run(database.url, blind_mapper(), asyncio.Event(), once=True)
        audited = [r[0] for r in await conn.fetch(
            "SELECT notification_id FROM audit_log WHERE notification_id > $1"
            " ORDER BY notification_id", since)]  # fmt: skip
        assert audited == stored
        versions = await conn.fetch(
            f"SELECT originator_id, array_agg(originator_version ORDER BY originator_version)"
            f" FROM {EVENTS_TABLE} GROUP BY originator_id"
            f" HAVING max(notification_id) > $1", since)  # fmt: skip
        assert all(list(v) == list(range(1, len(v) + 1)) for _, v in versions)
    finally:
        await conn.close()
    async with httpx.AsyncClient() as http:
        finals = [await http.get(servers[1].url + f"{V}/trainees/{t}", headers=headers)
                  for t in shared]  # fmt: skip
    assert sum(version(f) - 2 for f in finals) == patches  # no update lost
    assert (await verify_store(database.url)).verified


async def test_racing_placement_and_trainee_writes_without_if_match_are_all_applied(
    servers, headers
):
    tid = await created(servers[0], headers)
    url = f"{V}/trainees/{tid}"
    placements = [
        (servers[i % 2], "POST", f"{url}/placements",
         {"data": {"urn": "123456", "name": f"School {i}"}}, headers)
        for i in range(8)
    ]  # fmt: skip
    updates = [
        (servers[i % 2], "PATCH", url, {"data": {"middle_names": f"Name{i}"}}, headers)
        for i in range(8)
    ]
    answers = await at_once(*placements, *updates)
    assert [a.status_code for a in answers] == [201] * 8 + [200] * 8, [a.text for a in answers]
    async with httpx.AsyncClient() as http:
        final = await http.get(servers[1].url + url, headers=headers)
    assert version(final) == 2 + 16
    assert len(final.json()["placements"]) == 1 + 8
    assert final.json()["middle_names"] in {f"Name{i}" for i in range(8)}


async def test_of_racing_writes_with_the_same_if_match_only_one_is_applied(servers, headers):
    tid = await created(servers[0], headers)
    url = f"{V}/trainees/{tid}"
    stale = {**headers, "If-Match": '"2"'}
    answers = await at_once(
        *(
            (servers[i % 2], "PATCH", url, {"data": {"middle_names": f"N{i}"}}, stale)
            for i in range(8)
        ),
        (
            servers[1],
            "POST",
            f"{url}/placements",
            {"data": {"urn": "123456", "name": "Elm"}},
            headers,
        ),
    )
    statuses = [a.status_code for a in answers]
    assert statuses[-1] == 201  # no If-Match: applied whatever it raced
    assert statuses[:-1].count(200) <= 1 and statuses[:-1].count(409) >= 7, statuses
    for refused in (a for a in answers if a.status_code == 409):
        assert refused.json()["errors"][0]["error"] == "Conflict"
    async with httpx.AsyncClient() as http:
        final = await http.get(servers[0].url + url, headers=headers)
    assert version(final) == 3 + statuses.count(200)


async def test_twenty_identical_creates_at_once_register_one_trainee(servers, headers):
    body = {"data": trainee()}
    answers = await at_once(
        *((servers[i % 2], "POST", f"{V}/trainees", body, headers) for i in range(20))
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * 19, [a.text for a in answers if a.status_code != 409]
    (first,) = (a.json()["data"] for a in answers if a.status_code == 201)
    for refused in (a.json() for a in answers if a.status_code == 409):
        assert refused["errors"][0]["message"] == "This trainee is already in Register"
        assert [t["trainee_id"] for t in refused["data"]] == [first["trainee_id"]]
    async with httpx.AsyncClient() as http:
        listed = await http.get(servers[0].url + f"{V}/trainees", headers=headers)
    assert listed.json()["meta"]["total_count"] == 1


async def test_identical_retries_at_once_on_two_processes_are_applied_once(servers, headers):
    tid = await created(servers[0], headers)
    url = f"{V}/trainees/{tid}"
    keyed = {**headers, "Idempotency-Key": "add-oak-school-1"}
    body = {"data": {"urn": "123456", "name": "Oak School"}}
    answers = await at_once(
        *((servers[i % 2], "POST", f"{url}/placements", body, keyed) for i in range(10))
    )
    assert {a.status_code for a in answers} <= {201, 409}, [a.text for a in answers]
    applied = [a for a in answers if a.status_code == 201]
    assert applied and len({(a.content, a.headers["etag"]) for a in applied}) == 1
    for refused in (a for a in answers if a.status_code == 409):
        assert refused.json()["errors"][0]["error"] == "Conflict"
    repeats = await at_once(*((s, "POST", f"{url}/placements", body, keyed) for s in servers))
    for repeat in repeats:
        assert (repeat.status_code, repeat.content) == (201, applied[0].content)
        assert repeat.headers["etag"] == applied[0].headers["etag"] == '"3"'
    async with httpx.AsyncClient() as http:
        final = await http.get(servers[1].url + url, headers=headers)
    assert version(final) == 3 and len(final.json()["placements"]) == 2


def test_a_repeat_while_the_first_still_runs_is_told_to_retry(servers, headers, database):
    first, second = servers
    keyed = {**headers, "Idempotency-Key": "create-while-locked"}
    body = {"data": trainee()}
    locker = hold_lock(database.url, "traineeregister_events", "EXCLUSIVE")
    try:
        running = in_background(
            lambda: httpx.post(first.url + f"{V}/trainees", json=body, headers=keyed, timeout=60)
        )
        wait_for_a_waiting_request(database.url)
        repeat = httpx.post(second.url + f"{V}/trainees", json=body, headers=keyed, timeout=60)
    finally:
        locker.close()
    assert repeat.status_code == 409 and repeat.headers["retry-after"] == "1"
    assert repeat.json()["errors"][0]["message"] == (
        "A request with this Idempotency-Key is still being processed; retry later"
    )
    done = running()
    assert done.status_code == 201, done.text
    again = httpx.post(second.url + f"{V}/trainees", json=body, headers=keyed, timeout=60)
    assert (again.status_code, again.content) == (201, done.content)
    assert again.headers["etag"] == done.headers["etag"]


def test_a_write_answered_503_past_its_deadline_keeps_its_key_until_it_commits(
    serve, headers, database
):
    env = {"DATABASE_URL": database.url, "TRAINEES_WRITE_TIMEOUT": "1"}
    first, second = serve(**env), serve(**env)
    tid = asyncio.run(created(first, headers))
    url = f"{V}/trainees/{tid}/placements"
    keyed = {**headers, "Idempotency-Key": "placement-past-its-deadline"}
    body = {"data": {"urn": "123456", "name": "Slow School"}}

    def post(server: Server) -> httpx.Response:
        return httpx.post(server.url + url, json=body, headers=keyed, timeout=60)

    locker = hold_lock(database.url, "traineeregister_events", "EXCLUSIVE")
    try:
        timed_out = post(first)
        assert timed_out.status_code == 503, timed_out.text
        assert timed_out.json()["errors"][0]["error"] == "ServiceUnavailable"
        wait_for_a_waiting_request(database.url)  # the write still runs, waiting for the lock
        time.sleep(2.5)  # past the lease of a claim whose request never finished
        for server in (first, second, first):
            repeat = post(server)
            assert repeat.status_code == 409, repeat.text
            assert repeat.headers["retry-after"] == "1"
    finally:
        locker.close()
    until(lambda: post(second).status_code != 409)
    for server in (first, second):
        again = post(server)
        assert again.status_code == 201, again.text
        assert again.headers["idempotent-replayed"] == "true"
        assert again.headers["etag"] == '"3"'
        assert again.json()["data"]["name"] == "Slow School"
    final = httpx.get(first.url + f"{V}/trainees/{tid}", headers=headers, timeout=60)
    assert version(final) == 3  # created, submitted, one placement: one event for four requests
    assert [p["name"] for p in final.json()["placements"]].count("Slow School") == 1
    for server in (first, second):
        assert server.stop() == 0
        assert "Traceback" not in server.text()


def test_a_write_past_its_deadline_that_never_ran_frees_its_key(serve, headers, database):
    server = serve(
        DATABASE_URL=database.url, TRAINEES_WRITE_TIMEOUT="1", TRAINEES_WRITE_POOL_SIZE="1"
    )
    tid = asyncio.run(created(server, headers))
    url = server.url + f"{V}/trainees/{tid}/placements"
    keyed = {**headers, "Idempotency-Key": "placement-behind-another"}
    body = {"data": {"urn": "123456", "name": "Queued School"}}

    def post(sent: dict[str, str], name: str) -> httpx.Response:
        data = {"data": {**body["data"], "name": name}}
        return httpx.post(url, json=data, headers=sent, timeout=60)

    locker = hold_lock(database.url, "traineeregister_events", "EXCLUSIVE")
    try:
        ahead = post(headers, "Ahead School")  # holds the only write connection, waiting
        wait_for_a_waiting_request(database.url)
        queued = post(keyed, "Queued School")  # no connection before its deadline: never runs
        assert (ahead.status_code, queued.status_code) == (503, 503), queued.text
        again = post(keyed, "Queued School")  # its key was freed at once: this runs anew
        assert again.status_code == 503 and "idempotent-replayed" not in again.headers
    finally:
        locker.close()
    done = post(keyed, "Queued School")
    assert done.status_code == 201 and "idempotent-replayed" not in done.headers, done.text
    final = httpx.get(server.url + f"{V}/trainees/{tid}", headers=headers, timeout=60)
    names = [p["name"] for p in final.json()["placements"]]
    assert (names.count("Ahead School"), names.count("Queued School")) == (1, 1)
    assert version(final) == 4
    assert server.stop() == 0
    assert "Traceback" not in server.text()
