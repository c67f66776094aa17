"""The sandbox: a provider and token on first start, and sample trainees in every state.
(The embedded default's first start is run from the README by tests/ops/test_readme.py.)"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess

import asyncpg
import httpx
import pytest

from service import sandbox
from tests.cli.test_cli import environment, trainees

V = "/api/v2026.1"


def providers(url: str) -> list[str]:
    async def fetch() -> list[str]:
        conn = await asyncpg.connect(url)
        try:
            return [r["ukprn"] for r in await conn.fetch("SELECT ukprn FROM providers")]
        finally:
            await conn.close()

    return asyncio.run(fetch())


def printed_lines_answer(output: str, port: int) -> dict[str, object]:
    """Run the `export TOKEN=...` and `curl` lines the service printed, as a person would."""
    export = re.search(r"^  (export TOKEN=\S+)$", output, re.M)
    curl = re.search(r"^  (curl .*)$", output, re.M)
    assert export and curl, output
    assert f"http://127.0.0.1:{port}/api/v2026.1/info" in curl.group(1)
    ran = subprocess.run(
        ["bash", "-euc", f"{export.group(1)}\n{curl.group(1)} --silent --fail"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert ran.returncode == 0, ran.stderr
    return dict(json.loads(ran.stdout))


def test_with_database_url_serve_makes_no_sandbox_unless_asked(fresh_database, serve):
    url = fresh_database.url
    plain = serve(DATABASE_URL=url)
    assert "sandbox" not in plain.text() and "TOKEN" not in plain.text()
    assert plain.stop() == 0
    assert providers(url) == []

    asked = serve("--sandbox", DATABASE_URL=url)
    assert "created" in asked.text()
    assert printed_lines_answer(asked.text(), asked.port)["status"] == "ok"
    assert asked.stop() == 0
    again = serve("--sandbox", DATABASE_URL=url)  # a new token each start, one provider
    assert "created" not in again.text()
    assert printed_lines_answer(again.text(), again.port)["status"] == "ok"
    assert providers(url) == [sandbox.UKPRN]


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs on the embedded default")
def test_an_embedded_register_with_providers_gets_no_sandbox(embedded_dir, serve):
    env = {"TRAINEES_DATA_DIR": str(embedded_dir)}
    trainees("providers", "add", "--name", "Own College", "--ukprn", "55588001",
             env=environment(**env))  # fmt: skip
    server = serve(**env)
    try:
        assert "sandbox" not in server.text()
    finally:
        assert server.stop() == 0


def test_seeding_puts_sample_trainees_in_every_state_through_the_write_path(fresh_database, serve):
    env = environment(DATABASE_URL=fresh_database.url)
    seeded = trainees("sandbox", "seed", env=env).stdout
    rows = re.findall(r"^(\w{24})  (\w+)\s+(.+)$", seeded, re.M)
    assert sorted({state for _, state, _ in rows}) == sorted(sandbox.STATES)
    assert len(rows) == 2 * len(sandbox.STATES)
    token = trainees("sandbox", "token", env=env).stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    server = serve(DATABASE_URL=fresh_database.url)
    for slug, state, name in rows:
        got = httpx.get(server.url + f"{V}/trainees/{slug}", headers=headers)
        assert got.status_code == 200, got.text
        body = got.json()
        assert (body["state"], f"{body['first_names']} {body['last_name']}") == (state, name)
    listed = httpx.get(server.url + f"{V}/trainees", headers=headers).json()
    assert listed["meta"]["total_count"] == len(rows)

    by_state = {state: slug for slug, state, _ in rows}
    deferred = httpx.post(
        server.url + f"{V}/trainees/{by_state['trn_received']}/defer",
        json={"data": {"defer_date": listed["data"][0]["itt_start_date"]}},
        headers=headers,
    )
    assert deferred.status_code == 200, deferred.text
    history = json.loads(trainees("history", by_state["awarded"], "--json", env=env).stdout)
    assert [e["event"] for e in history][-1] == "Awarded"
    assert {e["actor"].get("operator", e["actor"].get("recorded_by")) for e in history} == {
        "sandbox seed"
    }

    again = trainees("sandbox", "seed", env=env).stdout  # a second seed adds as many again
    assert len(re.findall(r"^\w{24}  ", again, re.M)) == len(rows)
