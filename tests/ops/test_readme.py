"""A newcomer's path, run from the README's own lines: `make serve` on a fresh embedded register,
the sandbox token it prints, then the first request, create and withdrawal as written."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cli.test_cli import environment, free_port
from tests.ops.test_containers import wait_ready

ROOT = Path(__file__).resolve().parents[2]
README_PORT = "127.0.0.1:8000"


def newcomer_blocks() -> list[str]:
    """The shell blocks of the README from "Two commands" to "Operator commands"."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Two commands", 1)[1].split("## Operator commands", 1)[0]
    return re.findall(r"^```sh\n(.*?)^```$", section, re.M | re.S)


def json_values(output: str) -> tuple[list[Any], str]:
    """The JSON documents printed one after another (curl adds no newline), and what follows."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while True:
        rest = output[at:].lstrip()
        if not rest.startswith("{"):
            return found, rest
        value, end = decoder.raw_decode(rest)
        found.append(value)
        at = len(output) - len(rest) + end


def test_the_readme_starts_with_the_two_commands():
    first = newcomer_blocks()[0]
    assert [line.split("#")[0].strip() for line in first.splitlines()] == [
        "make serve",
        "make test",
    ]


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs on the embedded default")
def test_a_newcomer_follows_the_readme_from_make_serve_to_a_withdrawal(tmp_path, embedded_dir):
    # The README's lines as written, but on a port of the test's own: another server may hold 8000.
    port = free_port()
    env = environment(TRAINEES_DATA_DIR=str(embedded_dir), TRAINEES_PORT=str(port))
    blocks = newcomer_blocks()
    assert len(blocks) == 4 and all(README_PORT in b for b in blocks[1:])
    script = "\n".join(b.replace(README_PORT, f"127.0.0.1:{port}") for b in blocks[1:])

    log = tmp_path / "make-serve.log"
    with log.open("w") as sink:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # SIGTERM to the group reaches make and the service
        )
    try:
        wait_ready(f"http://127.0.0.1:{port}", 120, logs=log.read_text)
        printed = log.read_text()
        assert (
            f'curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:{port}/api/v2026.1/info'
            in printed
        )
        token_line = re.search(r"^  (export TOKEN=trainees_\w+)$", printed, re.M)
        assert token_line, printed
        curl_line = re.search(r"^  (curl .*)$", printed, re.M)
        assert curl_line
        ran = subprocess.run(
            ["bash", "-euc", f"{token_line.group(1)}\n{curl_line.group(1)} --silent"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert json.loads(ran.stdout)["status"] == "ok", ran.stdout + ran.stderr

        followed = subprocess.run(
            [
                "bash",
                "-euo",
                "pipefail",
                "-c",
                script + '\necho "TRAINEE_ID=$TRAINEE_ID TOKEN=$TOKEN"',
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert followed.returncode == 0, followed.stdout + followed.stderr
        answers, names = json_values(followed.stdout)
        info, created, withdrawn = answers
        assert info["status"] == "ok"
        assert created["data"]["state"] == "submitted_for_trn"
        assert withdrawn["data"]["state"] == "withdrawn"
        trainee_id, token = (part.split("=", 1)[1] for part in names.split())
        assert trainee_id == created["data"]["trainee_id"]
        read = httpx.get(
            f"http://127.0.0.1:{port}/api/v2026.1/trainees/{trainee_id}",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert read.json()["state"] == "withdrawn"
    finally:
        os.killpg(make.pid, signal.SIGTERM)
        make.wait(timeout=60)
    deadline = time.monotonic() + 30  # the service stops its embedded PostgreSQL on the way out
    while (embedded_dir / "postgres/postmaster.pid").exists():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
