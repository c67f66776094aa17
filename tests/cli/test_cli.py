"""The `trainees` command as a real process: against DATABASE_URL and the embedded default."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.bodies import trainee

ROOT = Path(__file__).resolve().parents[2]


def trainees(
    *args: str, env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"trainees {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(extra)
    return env


class Server:
    """`trainees serve` running in the background until stopped."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        # output goes to a file: a pipe nobody reads would fill up and block the server
        self.output = tempfile.NamedTemporaryFile(prefix="trainees-serve-", suffix=".log")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(self.port)],
            env=env,
            cwd=ROOT,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/api/v2026.1/info", timeout=1)
                self.banner = Path(self.output.name).read_text().splitlines()[0]
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError("the service did not start")

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.output.close()
        return code


def provider_and_token(env: dict[str, str], ukprn: str) -> str:
    added = trainees("providers", "add", "--name", "Test College", "--ukprn", ukprn, env=env)
    assert f"UKPRN {ukprn}" in added.stdout
    issued = trainees("tokens", "issue", "--ukprn", ukprn, env=env)
    match = re.search(r"token:\s+(\S+)", issued.stdout)
    assert match is not None
    return match.group(1)


def test_the_service_runs_against_database_url(database) -> None:
    env = environment(DATABASE_URL=database.url)
    token = provider_and_token(env, "55500001")
    server = Server(env)
    try:
        assert f"http://127.0.0.1:{server.port}" in server.banner
        headers = {"Authorization": f"Bearer {token}"}
        created = httpx.post(
            server.url + "/api/v2026.1/trainees", json={"data": trainee()}, headers=headers
        )
        assert created.status_code == 201, created.text
        slug = created.json()["data"]["trainee_id"]
        patched = httpx.patch(
            server.url + f"/api/v2026.1/trainees/{slug}",
            json={"data": {"last_name": "Smith"}},
            headers=headers,
        )
        assert patched.status_code == 200
    finally:
        assert server.stop() == 0

    history = json.loads(trainees("history", slug, "--json", env=env).stdout)
    assert [e["event"] for e in history] == ["Registered", "SubmittedForTrn", "DetailsChanged"]
    assert history[2]["changes"]["last_name"]["to"] == "Smith"
    assert history[0]["actor"]["api_version"] == "v2026.1"
    assert history[0]["actor"]["token_id"]
    text = trainees("history", slug, env=env).stdout
    assert "DetailsChanged" in text and "last_name" in text

    verify = trainees("projections", "rebuild", "--verify", env=env)
    assert "verify: 0 rows differ" in verify.stdout
    rebuilt = trainees("projections", "rebuild", env=env)
    assert "events/s" in rebuilt.stdout and "replayed" in rebuilt.stderr
    assert "lag=0" in trainees("projections", "status", env=env).stdout


def test_revoking_a_token_locks_its_client_out(database) -> None:
    env = environment(DATABASE_URL=database.url)
    trainees("providers", "add", "--name", "Revoked College", "--ukprn", "55500002", env=env)
    issued = trainees("tokens", "issue", "--ukprn", "55500002", env=env).stdout
    token_id = re.search(r"token id:\s+(\S+)", issued).group(1)  # type: ignore[union-attr]
    assert "revoked" in trainees("tokens", "revoke", token_id, env=env).stdout
    again = trainees("tokens", "revoke", token_id, env=env, check=False)
    assert again.returncode == 1 and "no active token" in again.stderr


def test_bad_operator_input_is_refused_with_a_message(database) -> None:
    env = environment(DATABASE_URL=database.url)
    bad = trainees("providers", "add", "--name", "X", "--ukprn", "12", env=env, check=False)
    assert bad.returncode == 1 and "UKPRN must be 8 digits" in bad.stderr
    unknown = trainees("tokens", "issue", "--ukprn", "99999999", env=env, check=False)
    assert unknown.returncode == 1 and "no provider" in unknown.stderr
    missing = trainees("history", "nosuchtrainee", env=env, check=False)
    assert missing.returncode == 1


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("projections", "rebuild", "--batch-size", "0"), "--batch-size: at least 1, got 0"),
        (("projections", "rebuild", "--workers", "-1"), "--workers: at least 1, got -1"),
        (("projections", "run", "--batch-size", "0"), "--batch-size: at least 1, got 0"),
        (("keys", "rotate", "--batch-size", "1e3"), "--batch-size: a whole number, got '1e3'"),
        (("personal-data", "seal", "--batch-size", "0"), "--batch-size: at least 1, got 0"),
        (("bench", "--events", "0"), "--events: at least 1, got 0"),
    ],
)
def test_a_count_below_one_is_refused_before_anything_runs(database, args, says) -> None:
    refused = trainees(*args, env=environment(DATABASE_URL=database.url), check=False)
    assert refused.returncode == 2 and says in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr


def test_an_invalid_setting_is_named(database) -> None:
    env = environment(DATABASE_URL="mysql://nope")
    result = trainees("migrate", env=env, check=False)
    assert result.returncode == 2 and "DATABASE_URL" in result.stderr


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs on the embedded default")
def test_the_embedded_default_serves_and_stops_with_the_service(tmp_path) -> None:
    data_dir = Path("/tmp") / f"trainees-cli-{os.getpid()}"
    env = environment(TRAINEES_DATA_DIR=str(data_dir))
    token = provider_and_token(env, "55500003")
    server = Server(env)
    try:
        assert "embedded PostgreSQL" in server.banner
        response = httpx.get(
            server.url + "/api/v2026.1/info", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.json()["status"] == "ok"
        assert "schema is up to date" in trainees("migrate", env=env).stdout
    finally:
        assert server.stop() == 0
    assert not (data_dir / "postgres" / "postmaster.pid").exists()
