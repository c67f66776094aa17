"""Versions an operator marks for sunset announce it; requests per version are counted."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from service.config import SettingError, Settings
from tests.cli.test_cli import environment, trainees
from tests.conftest import new_provider

SUNSET = {"v2025.0": date(2026, 8, 11)}
V2026_0_RELEASED = int(datetime(2026, 1, 30, tzinfo=UTC).timestamp())


@pytest.mark.parametrize("segment", ["v2025.0", "v2025.0-rc"])
async def test_a_marked_version_answers_with_deprecation_sunset_and_a_link(
    open_app, provider, segment
):
    client = await open_app(version_sunsets=SUNSET)
    for path in ("info", "trainees", "trainees/unknown"):
        response = await client.get(f"/api/{segment}/{path}", headers=provider.headers)
        assert response.headers["deprecation"] == f"@{V2026_0_RELEASED}"
        assert response.headers["sunset"] == "Tue, 11 Aug 2026 00:00:00 GMT"
        assert response.headers["link"] == (
            '</api-docs/changelog>; rel="deprecation", </api-docs/changelog>; rel="sunset"'
        )


async def test_info_of_a_marked_version_shows_its_sunset(open_app, provider):
    client = await open_app(version_sunsets=SUNSET)
    info = (await client.get("/api/v2025.0/info", headers=provider.headers)).json()
    assert info["version"] == {
        "requested": "v2025.0",
        "latest": "v2026.1",
        "deprecated": "2026-01-30T00:00:00Z",
        "sunset": "2026-08-11",
        "changelog": "/api-docs/changelog",
    }


async def test_an_unmarked_version_has_no_such_headers(open_app, provider):
    client = await open_app(version_sunsets=SUNSET)
    response = await client.get("/api/v2026.1/info", headers=provider.headers)
    assert not {"deprecation", "sunset", "link"} & set(response.headers)
    assert set(response.json()["version"]) == {"requested", "latest"}


@pytest.mark.parametrize("value", ["v9.9=2026-08-11", "v2025.0=11/08/2026", "v2025.0"])
def test_a_sunset_naming_an_unknown_version_or_no_day_is_refused(monkeypatch, value):
    monkeypatch.setenv("TRAINEES_VERSION_SUNSET", value)
    with pytest.raises(SettingError, match="TRAINEES_VERSION_SUNSET"):
        Settings.from_env()


def test_the_service_refuses_to_start_with_an_unknown_version_marked():
    result = trainees(
        "versions", "usage", env=environment(TRAINEES_VERSION_SUNSET="v2024.9=2026-08-11"),
        check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "v2024.9" in result.stderr


def test_sunsets_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("TRAINEES_VERSION_SUNSET", "v2025.0=2026-08-11, v0.1=2025-07-10")
    assert Settings.from_env().version_sunsets == {
        "v2025.0": date(2026, 8, 11),
        "v0.1": date(2025, 7, 10),
    }


async def test_requests_per_version_and_provider_are_saved_and_reported(settings, database):
    from service.app import create_app

    caller = await new_provider(database)
    app = create_app(dataclasses.replace(settings, usage_flush_seconds=3600), database)
    async with AsyncTestClient(app=app) as client:
        for segment in ("v2025.0", "v2025.0", "v2025.0-rc", "v2026.1"):
            await client.get(f"/api/{segment}/info", headers=caller.headers)
    # leaving the service flushed its counts: nothing was written per request
    conn = await asyncpg.connect(database.url)
    try:
        rows = await conn.fetch(
            "SELECT version, requests FROM version_usage WHERE provider_id = $1 ORDER BY 1",
            caller.provider_id,
        )
    finally:
        await conn.close()
    assert [(r["version"], r["requests"]) for r in rows] == [("v2025.0", 3), ("v2026.1", 1)]
    printed = trainees(
        "versions", "usage", "--since", date.today().isoformat(),
        env=environment(DATABASE_URL=database.url),
    ).stdout  # fmt: skip
    lines = [line.split() for line in printed.splitlines() if caller.provider_id in line]
    assert [(cells[0], cells[2]) for cells in lines] == [("v2026.1", "1"), ("v2025.0", "3")]
