"""Requests racing on one trainee, sent at once to real `trainees serve` processes sharing a
database: lost races are retried on the server unless the client sent If-Match."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.bodies import trainee
from tests.cli.test_cli import environment
from tests.ops.conftest import Server
from tests.ops.test_outages import (
    hold_lock,
    in_background,
    token_for_session,
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
