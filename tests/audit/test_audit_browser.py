"""The auditors' page in a real headless Chromium (Debian's package, driven by Playwright)
against `trainees serve`: sign in, find, read the timeline, change vocabulary, sign out."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.audit.conftest import audit_token
from tests.bodies import trainee
from tests.cli.test_cli import Server, environment

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or importlib.util.find_spec("playwright") is None,
    reason="needs Debian's chromium package (apt-get install chromium) and playwright",
)


@pytest.fixture(scope="module")
def server(database) -> Iterator[Server]:  # type: ignore[no-untyped-def]
    running = Server(environment(DATABASE_URL=database.url, TRAINEES_RATE_LIMIT="100000"))
    try:
        yield running
    finally:
        running.stop()


async def test_an_auditor_reads_a_trainees_timeline_in_a_browser(
    server: Server, database, provider, tmp_path: Path
) -> None:
    async with httpx.AsyncClient(base_url=server.url, headers=provider.headers) as api:
        body = trainee(provider_trainee_id="PT-BROWSER-1", last_name="Browne")
        created = await api.post("/api/v2026.1/trainees", json={"data": body})
        assert created.status_code == 201, created.text
        slug = created.json()["data"]["trainee_id"]
        changed = await api.patch(
            f"/api/v2025.0/trainees/{slug}", json={"data": {"last_name": "Brown"}}
        )
        assert changed.status_code == 200
    auditor = await audit_token(database, provider.ukprn)

    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1000})
            fetched: list[str] = []
            page.on("request", lambda r: fetched.append(r.url))
            await page.goto(server.url + "/audit/")
            await page.fill("#token", "trainees_audit_not_a_token")
            await page.click("button[type=submit]")
            assert "not a valid audit token" in (await page.text_content("main") or "")

            await page.fill("#token", auditor.token)
            await page.click("button[type=submit]")
            await page.wait_for_selector("#q")
            cookie = next(c for c in await page.context.cookies() if c["name"] == "audit_session")
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

            await page.fill("#q", "PT-BROWSER-1")
            await page.click("button:has-text('Find')")
            await page.click(f"#results a:has-text('{slug}')")
            await page.wait_for_selector("#timeline")
            assert "Chain verified: 3 events" in (await page.text_content("#verify") or "")
            assert await page.locator("#timeline tr").count() == 4  # heading and three events
            timeline = await page.text_content("#timeline") or ""
            assert "DetailsChanged" in timeline and "v2025.0" in timeline
            assert '"Browne" → "Brown"' in timeline

            await page.select_option("#vocabulary", "v2025.0")
            await page.click("button:has-text('Show')")
            await page.wait_for_selector("#state")
            state = await page.text_content("#state") or ""
            assert "lead_partner_urn" in state and "training_partner_urn" not in state

            await page.click("#timeline tr:nth-child(2) a")  # the state after event 1
            title = await page.text_content("#state-title") or ""
            assert "after event 1" in title and "v2025.0" in title
            assert '"draft"' in (await page.text_content("#state") or "")
            shot = tmp_path / "audit-trainee.png"
            await page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            print(f"screenshot: {shot}")

            await page.click("#sign-out")
            await page.wait_for_selector("#token")
            await page.goto(server.url + f"/audit/trainees/{slug}")
            assert await page.locator("#token").count() == 1  # signed out: back to sign-in
            assert all(url.startswith(server.url) for url in fetched), fetched
        finally:
            await browser.close()
