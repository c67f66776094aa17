"""No personal data, trainee id or token in any log: marked values sent through every failure
path of a real `trainees serve` on the embedded PostgreSQL are in neither the service's log
nor the database server's (docs/operations.md, "Logs")."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from domain.trainee import trainee_uuid
from service.database import QUIET_LOG_SETTINGS
from tests.api.hostile import ENDPOINTS, valid_body
from tests.bodies import trainee
from tests.cli.test_cli import environment, provider_and_token
from tests.ops.conftest import Server

V = "/api/v2026.1"


class Marks:
    """Unique values, one per use, that must never be found in a log."""

    def __init__(self) -> None:
        self.run = secrets.token_hex(4)
        self.made: list[str] = []

    def __call__(self, what: str = "") -> str:
        mark = f"Mk{len(self.made):03d}{self.run}{what}"
        self.made.append(mark)
        return mark

    def name(self) -> str:
        """A mark that reads as a name: letters only (name keys keep letters only)."""
        letters = "".join(chr(ord("a") + int(c, 16)) for c in f"{len(self.made):03x}{self.run}")
        mark = "Zq" + letters
        self.made.append(mark)
        return mark


@pytest.fixture
def embedded_dir() -> Iterator[Path]:
    data_dir = Path(tempfile.mkdtemp(prefix="trainees-logs-", dir="/tmp"))
    yield data_dir
    pid_file = data_dir / "postgres" / "postmaster.pid"
    if pid_file.exists():  # the test stops it; this is for a test that failed half-way
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGQUIT)
    shutil.rmtree(data_dir, ignore_errors=True)


def connect(data_dir: Path) -> psycopg.Connection[Any]:
    """A connection to the running embedded server, found from its pid file."""
    lines = (data_dir / "postgres" / "postmaster.pid").read_text().splitlines()
    return psycopg.connect(host=lines[4], port=int(lines[3]), user="postgres", autocommit=True)


def database_logs(data_dir: Path) -> str:
    pgdata = data_dir / "postgres"
    files = [pgdata / "log", *pgdata.glob("log/*"), *pgdata.glob("pg_log/*")]
    return "\n".join(f.read_text(errors="replace") for f in files if f.is_file())


def raw_request(port: int, data: bytes) -> bytes:
    """Bytes on a socket, for requests no HTTP client library would send."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(data)
        return conn.recv(64)


def marked_trainee(marks: Marks, **overrides: Any) -> dict[str, Any]:
    """A valid trainee whose personal fields carry marks."""
    body = trainee(
        first_names=marks.name(),
        last_name=marks.name(),
        middle_names=marks.name(),
        previous_last_name=marks.name(),
        email=f"{marks().lower()}@example.com",
        provider_trainee_id=marks(),
        placements_attributes=[{"urn": "900020", "name": marks()}],
    )
    return body | overrides


def every_field_marked(marks: Marks, wrap: Callable[[str], Any] = lambda m: m) -> dict[str, Any]:
    """Every field a trainee body has, each with a mark of its own (wrapped)."""
    body = {key: wrap(marks()) for key in trainee() if not key.endswith("_attributes")}
    body["placements_attributes"] = [{k: wrap(marks()) for k in ("urn", "name", "postcode")}]
    body["degrees_attributes"] = [{k: wrap(marks()) for k in valid_body(ENDPOINTS[5], "v0.1")}]
    return body


def test_marked_values_reach_no_log_through_any_failure_path(
    embedded_dir: Path, serve: Callable[..., Server]
) -> None:
    marks = Marks()
    settings = {
        "TRAINEES_DATA_DIR": str(embedded_dir),
        "TRAINEES_LOG_LEVEL": "debug",
        "TRAINEES_MAX_BODY_BYTES": "262144",
        "TRAINEES_WRITE_TIMEOUT": "3",
        "TRAINEES_DB_TIMEOUT": "1",
        "TRAINEES_RATE_LIMIT": "1000000",
    }
    token = provider_and_token(environment(**settings), "55500091")
    server = serve(**settings)
    auth = {"Authorization": f"Bearer {token}"}
    answers: list[httpx.Response] = []
    secrets_seen = [token]
    with httpx.Client(base_url=server.url, headers=auth, timeout=30) as http:

        def call(method: str, path: str, **kw: Any) -> httpx.Response:
            response = http.request(method, path, **kw)
            answers.append(response)
            assert response.status_code < 500 or response.status_code == 503, response.text
            return response

        # a trainee of its own, with marked names, and its duplicate (409 listing it)
        body = marked_trainee(marks)
        created = call("POST", f"{V}/trainees", json={"data": body}).json()["data"]
        tid = created["trainee_id"]
        pid = created["placements"][0]["placement_id"]
        did = created["degrees"][0]["degree_id"]
        secrets_seen += [tid, pid, did]
        assert call("POST", f"{V}/trainees", json={"data": body}).status_code == 409

        # validation failures: unknown codes, wrong shapes, NUL, huge numbers, too long, nesting
        for wrap in (
            lambda m: m,
            lambda m: {"value": m},
            lambda m: [m],
            lambda m: f"{m}\u0000",
            lambda m: f"{m}\u0007",
            lambda m: m * 40,
            lambda m: [[[[m]]]],
        ):
            for version in ("v0.1", "v2025.0", "v2026.1"):
                data = every_field_marked(marks, wrap)
                call("POST", f"/api/{version}/trainees", json={"data": data})
                call("PATCH", f"/api/{version}/trainees/{tid}", json={"data": data})
            for endpoint in ENDPOINTS[3:]:
                fields = {f: wrap(marks()) for f in endpoint.fields}
                path = endpoint.served_path("v2026.1", {"tid": tid, "pid": pid, "did": did})
                call(endpoint.method, path, json={"data": fields})
        call("PATCH", f"{V}/trainees/{tid}", json={"data": {"course_year": 2**70 + 7}})
        deep = b'{"data":{"first_names":' + b"[" * 5000 + marks().encode() + b"]" * 5000 + b"}}"
        call("POST", f"{V}/trainees", content=deep, headers={"Content-Type": "application/json"})
        torn = b'{"data":{"first_names":"' + marks().encode() + b'\xff"'
        call("POST", f"{V}/trainees", content=torn, headers={"Content-Type": "application/json"})
        big = {"data": {"first_names": marks() * 30_000}}
        assert call("POST", f"{V}/trainees", json=big).status_code == 413

        # valid writes carrying free text, then refusals of the same trainee's state
        call(
            "POST",
            f"{V}/trainees/{tid}/defer",
            json={"data": {"defer_date": created["itt_start_date"], "defer_reason": marks()}},
        )
        call(
            "POST",
            f"{V}/trainees/{tid}/withdraw",
            json={
                "data": {
                    "withdrawal_date": created["itt_start_date"],
                    "trigger": "trainee",
                    "reasons": ["another_reason", marks()],
                    "another_reason": marks(),
                    "future_interest": "no",
                }
            },
        )

        # ids that name nothing, on every route; bad and stale preconditions
        for bad in (marks(), f"{marks()}%00", f"{marks()}-{marks()}"):
            for path in (
                f"{V}/trainees/{bad}",
                f"{V}/trainees/{bad}/placements",
                f"{V}/trainees/{tid}/placements/{bad}",
                f"{V}/trainees/{tid}/degrees/{bad}",
            ):
                call("GET", path)
            call("PATCH", f"{V}/trainees/{bad}", json={"data": {"first_names": marks.name()}})
            call("POST", f"{V}/trainees/{bad}/defer", json={"data": {"defer_date": "2025-01-01"}})
        call("PATCH", f"{V}/trainees/{tid}", json={"data": {}}, headers={"If-Match": marks()})
        call(
            "PATCH",
            f"{V}/trainees/{tid}",
            json={"data": {"first_names": "A"}},
            headers={"If-Match": '"1"'},
        )

        # requests the HTTP server itself refuses (a NUL in the path or a header, a huge path)
        for raw in (
            f"GET {V}/trainees/{marks()}\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
            f"GET {V}/trainees HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {marks()}\x00\r\n\r\n",
            f"GET {V}/trainees/{marks() * 8000} HTTP/1.1\r\nHost: x\r\n\r\n",
        ):
            assert raw_request(server.port, raw.encode()).startswith(b"HTTP/1.1 400")

        # list parameters
        for name in ("since", "status", "academic_cycle", "sort_order", "page", "last_name"):
            call("GET", f"{V}/trainees", params={name: marks()})

        # tokens that are no tokens
        for bad_token in (f"Bearer {marks()}", marks(), f"Bearer trainees_{marks()}"):
            secrets_seen.append(bad_token)
            call("GET", f"{V}/trainees/{tid}", headers={"Authorization": bad_token})

        # a race: identical marked updates at once (some may lose and answer 409)
        racer = marked_trainee(marks)
        second = call("POST", f"{V}/trainees", json={"data": racer}).json()["data"]
        secrets_seen.append(second["trainee_id"])
        with ThreadPoolExecutor(8) as pool:
            updates = [
                {"data": {"first_names": marks.name(), "last_name": marks.name()}}
                for _ in range(16)
            ]
            list(
                pool.map(
                    lambda data: call("PATCH", f"{V}/trainees/{second['trainee_id']}", json=data),
                    updates,
                )
            )

        # the database server itself: its settings, and an error quoting a marked value
        with connect(embedded_dir) as conn:
            for setting, value in QUIET_LOG_SETTINGS.items():
                assert conn.execute(f"SHOW {setting}").fetchone() is not None
                shown = conn.execute(
                    "SELECT setting FROM pg_settings WHERE name = %s", [setting]
                ).fetchone()
                assert shown == (value,), setting
            with pytest.raises(psycopg.errors.InvalidTextRepresentation):
                conn.execute("SELECT %s::text::int", [marks()])
            with pytest.raises(psycopg.errors.UntranslatableCharacter):
                conn.execute("SELECT %s::jsonb", ['{"name": "' + marks() + '\\u0000"}'])

        # an outage: the database killed while marked requests arrive
        pgdata = embedded_dir / "postgres"
        os.kill(int((pgdata / "postmaster.pid").read_text().split()[0]), signal.SIGQUIT)
        deadline = time.monotonic() + 30
        while (pgdata / "postmaster.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        outage = [
            call("POST", f"{V}/trainees", json={"data": marked_trainee(marks)}),
            call("GET", f"{V}/trainees/{tid}"),
            call("GET", f"{V}/trainees", params={"since": marks()}),
        ]
        assert all(r.status_code in (401, 503) for r in outage), [r.text for r in outage]
    assert server.stop() == 0

    statuses = {r.status_code for r in answers}
    assert {201, 400, 401, 404, 409, 412, 413, 422, 503} <= statuses, statuses
    assert any(m in r.text for r in answers for m in marks.made), "the marks were never used"
    service_log = server.text().lower()
    database_log = database_logs(embedded_dir).lower()
    assert '"logger":"trainees.access"' in service_log and "ready to accept" in database_log
    ids = [str(trainee_uuid(t)) for t in (tid, second["trainee_id"])]  # the aggregate ids too
    for secret in [*marks.made, *secrets_seen, *ids]:
        assert secret.lower() not in service_log, secret
        assert secret.lower() not in database_log, secret
    assert "traceback" not in service_log
