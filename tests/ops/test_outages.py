"""A real `trainees serve` process when the database dies, stalls or the service is stopped."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import asyncpg
import httpx
import psycopg
import pytest

from service import accounts
from service.database import Database
from service.schema import migrate
from tests.bodies import trainee
from tests.cli.test_cli import environment, trainees
from tests.conftest import new_provider
from tests.ops.conftest import Server

V = "/api/v2026.1"
BUSY = "The service is busy; try again in a few seconds"
UNAVAILABLE = {"errors": [{"error": "ServiceUnavailable", "message": BUSY}]}


def in_background(call: Callable[[], httpx.Response]) -> Callable[[], httpx.Response]:
    """Start a request in a thread; the returned function waits for its response."""
    result: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: result.update(response=call()))
    thread.start()

    def wait() -> httpx.Response:
        thread.join(timeout=60)
        return result["response"]  # type: ignore[no-any-return]

    return wait


def hold_lock(url: str, table: str, mode: str) -> psycopg.Connection:
    """A connection holding a table lock until it is closed, so requests needing it wait."""
    conn = psycopg.connect(url)
    conn.execute(f"LOCK TABLE {table} IN {mode} MODE")
    return conn


def wait_for_a_waiting_request(url: str) -> None:
    """Return once a session of the service waits for a lock."""
    with psycopg.connect(url, autocommit=True) as conn:
        until(
            lambda: bool(
                conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND datname = current_database()"
                ).fetchone()[0]
            ),
            30,
        )  # type: ignore[index]


def token_for(url: str) -> dict[str, str]:
    async def issue() -> str:
        conn = await asyncpg.connect(url)
        try:
            await accounts.add_provider(conn, "Outage College", "55512345", None)
            return (await accounts.issue_token(conn, "55512345", None))[1]
        finally:
            await conn.close()

    return {"Authorization": f"Bearer {asyncio.run(issue())}"}


def until(check: Callable[[], bool], seconds: float = 60) -> None:
    """Poll until the check holds (bounded)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.2)


def test_a_database_dying_mid_request_gives_503_then_the_service_recovers(own_postgres, serve):
    url = own_postgres.database.url
    asyncio.run(migrate(url))
    headers = token_for(url)
    server = serve(
        DATABASE_URL=url,
        TRAINEES_DB_TIMEOUT="0.5",
        TRAINEES_WRITE_TIMEOUT="2",
        TRAINEES_WRITE_POOL_SIZE="2",
    )

    def post() -> httpx.Response:
        return httpx.post(
            server.url + f"{V}/trainees",
            json={"data": trainee()},
            headers=headers,
            timeout=30,
        )

    first = post()
    assert first.status_code == 201, first.text
    slug = first.json()["data"]["trainee_id"]

    locker = hold_lock(url, "traineeregister_events", "EXCLUSIVE")
    in_flight = in_background(post)
    wait_for_a_waiting_request(url)
    own_postgres.kill()
    interrupted = in_flight()
    locker.close()
    assert (interrupted.status_code, interrupted.json()) == (503, UNAVAILABLE)

    for response in (
        httpx.get(server.url + f"{V}/info", headers=headers, timeout=30),
        httpx.get(server.url + f"{V}/trainees/{slug}", headers=headers, timeout=30),
        post(),
    ):
        assert (response.status_code, response.json()) == (503, UNAVAILABLE)
    assert httpx.get(server.url + "/readyz", timeout=30).status_code == 503
    assert httpx.get(server.url + "/healthz", timeout=30).status_code == 200

    own_postgres.start()
    until(lambda: httpx.get(server.url + f"{V}/info", headers=headers).status_code == 200)
    until(lambda: post().status_code == 201)
    assert httpx.get(server.url + f"{V}/trainees/{slug}", headers=headers).status_code == 200
    assert httpx.get(server.url + "/readyz").status_code == 200
    assert server.stop() == 0
    output = server.text()
    assert "Traceback" not in output and '"status":500' not in output


@pytest.fixture(scope="module")
def running(database, tmp_path_factory):
    """One `trainees serve` on the test database, with short database waits and small bodies."""
    env = environment(
        DATABASE_URL=database.url, TRAINEES_DB_TIMEOUT="0.5", TRAINEES_MAX_BODY_BYTES="2048"
    )
    server = Server(env, tmp_path_factory.mktemp("serve") / "serve.log")
    yield server, token_for_session(database.url)
    assert server.stop() == 0


def test_a_stalled_database_answers_503_instead_of_hanging(database, running):
    server, headers = running
    locker = hold_lock(database.url, "api_tokens", "ACCESS EXCLUSIVE")
    try:
        stalled = httpx.get(server.url + f"{V}/info", headers=headers, timeout=30)
        assert (stalled.status_code, stalled.json()) == (503, UNAVAILABLE)
        assert httpx.get(server.url + "/readyz", timeout=30).status_code == 200
    finally:
        locker.close()
    assert httpx.get(server.url + f"{V}/info", headers=headers).status_code == 200


def test_a_streamed_body_over_the_limit_is_refused(running):
    server, headers = running

    def chunks():
        for _ in range(10):
            yield b"x" * 1000

    response = httpx.post(server.url + f"{V}/trainees", content=chunks(), headers=headers)
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert response.status_code == 413
    assert response.json()["errors"][0]["error"] == "PayloadTooLarge"


def token_for_session(url: str) -> dict[str, str]:
    """A token of a new provider on the shared test database."""
    return asyncio.run(new_provider(Database.from_url(url))).headers


def test_stopping_the_service_finishes_the_requests_in_flight(database, serve):
    headers = token_for_session(database.url)
    server = serve(DATABASE_URL=database.url)
    locker = hold_lock(database.url, "traineeregister_events", "EXCLUSIVE")
    url = server.url + f"{V}/trainees"
    in_flight = in_background(
        lambda: httpx.post(url, json={"data": trainee()}, headers=headers, timeout=30)
    )
    wait_for_a_waiting_request(database.url)
    server.process.send_signal(signal.SIGTERM)
    time.sleep(0.2)  # the service is now shutting down, the write still waiting
    assert server.process.poll() is None
    locker.close()
    finished = in_flight()
    assert finished.status_code == 201, finished.text
    assert server.process.wait(timeout=30) == 0


def test_an_invalid_setting_stops_the_service_with_its_name(database):
    env = environment(DATABASE_URL=database.url, TRAINEES_DB_TIMEOUT="0")
    result = trainees("serve", env=env, check=False)
    assert result.returncode == 2 and "TRAINEES_DB_TIMEOUT" in result.stderr, result.stderr


def test_killing_the_database_again_and_again_under_load_never_answers_500(own_postgres, serve):
    url = own_postgres.database.url
    asyncio.run(migrate(url))
    headers = token_for(url)
    server = serve(
        DATABASE_URL=url,
        TRAINEES_DB_TIMEOUT="0.5",
        TRAINEES_WRITE_TIMEOUT="2",
        TRAINEES_WRITE_POOL_SIZE="2",
        TRAINEES_RATE_LIMIT="1000000",
    )
    http = httpx.Client(base_url=server.url, headers=headers, timeout=30)
    slug = http.post(f"{V}/trainees", json={"data": trainee()}).json()["data"]["trainee_id"]
    keys = iter(range(1_000_000))
    requests: list[Callable[[], httpx.Response]] = [
        lambda: http.get(f"{V}/info"),
        lambda: http.get(f"{V}/trainees/{slug}"),
        lambda: http.get(f"{V}/trainees"),
        lambda: http.post(f"{V}/trainees", json={"data": trainee()}),
        lambda: http.patch(f"{V}/trainees/{slug}", json={"data": {"middle_names": "Kay"}}),
        lambda: http.post(
            f"{V}/trainees/{slug}/placements",
            json={"data": {"urn": "123456", "name": "Oak School"}},
            headers={"Idempotency-Key": f"outage-{next(keys)}"},
        ),
        lambda: http.get("/readyz"),
    ]
    answers: list[httpx.Response] = []
    stop = threading.Event()

    def load(offset: int) -> None:
        n = offset
        while not stop.is_set():
            answers.append(requests[n % len(requests)]())
            n += 1

    workers = [threading.Thread(target=load, args=(i,)) for i in range(len(requests))]
    for worker in workers:
        worker.start()
    try:
        for _ in range(3):
            time.sleep(1.5)
            own_postgres.kill()
            time.sleep(1)
            own_postgres.start()
            until(lambda: http.get("/readyz").status_code == 200)
        time.sleep(1.5)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
    statuses = [a.status_code for a in answers]
    assert 500 not in statuses
    assert set(statuses) <= {200, 201, 503}, sorted(set(statuses))
    assert 503 in statuses and statuses.count(200) > 0
    for answer in answers:
        if answer.status_code == 503 and answer.url.path != "/readyz":
            assert answer.json() == UNAVAILABLE
    assert server.stop() == 0
    output = server.text()
    assert "Traceback" not in output and '"status":500' not in output
