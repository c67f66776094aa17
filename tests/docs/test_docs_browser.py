"""Every documentation page of every version in a real headless Chromium (Debian's package,
driven by Playwright) against `trainees serve`: every internal link resolves, nothing is
fetched from elsewhere, the console stays clean, and each page is photographed."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import httpx
import pytest

from service.versions import VERSIONS
from tests.audit.test_audit_browser import ARGS, CHROMIUM
from tests.cli.test_cli import Server, environment

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() or importlib.util.find_spec("playwright") is None,
    reason="needs Debian's chromium package (apt-get install chromium) and playwright",
)
PAGES = [
    "/api-docs",
    "/api-docs/changelog",
    "/api-docs/reference-data",
    *(f"/api-docs/{segment}" for segment in VERSIONS),
]
LINKS = "[...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
IDS = "[...document.querySelectorAll('[id]')].map(e => e.id)"


@pytest.fixture(scope="module")
def server(database) -> Iterator[Server]:  # type: ignore[no-untyped-def]
    running = Server(environment(DATABASE_URL=database.url, TRAINEES_RATE_LIMIT="100000"))
    try:
        yield running
    finally:
        running.stop()


async def test_every_docs_page_opens_cleanly_and_every_link_resolves(
    server: Server, tmp_path: Path
) -> None:
    from playwright.async_api import async_playwright

    ids: dict[str, set[str]] = {}
    links: dict[str, list[str]] = {}
    problems: list[str] = []
    fetched: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda r: fetched.append(r.url))
            page.on(
                "console",
                lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
            for path in PAGES:
                answer = await page.goto(server.url + path)
                assert answer is not None and answer.status == 200, path
                assert await page.title(), path
                ids[path] = set(await page.evaluate(IDS))
                links[path] = list(await page.evaluate(LINKS))
                name = path.strip("/").replace("/", "_") or "index"
                shot = tmp_path / f"{name}.png"
                await page.screenshot(path=str(shot))
                assert shot.stat().st_size > 10_000
                if path.startswith("/api-docs/v2"):  # an operation, further down
                    await page.goto(server.url + path + "#post_trainees")
                    await page.screenshot(path=str(tmp_path / f"{name}_create.png"))
                    await page.goto(server.url + path + "#errors")
                    await page.screenshot(path=str(tmp_path / f"{name}_errors.png"))
            print(f"screenshots: {tmp_path}")
        finally:
            await browser.close()

    assert not problems, problems
    assert all(url.startswith(server.url) for url in fetched), set(fetched)
    broken: list[str] = []
    async with httpx.AsyncClient(base_url=server.url) as http:
        for path, hrefs in links.items():
            for href in hrefs:
                target, fragment = urldefrag(href)
                assert not urlparse(target).netloc, (path, href)  # nothing points elsewhere
                target = target or path
                if target not in ids:
                    if (await http.get(target)).status_code != 200:
                        broken.append(f"{path} -> {href}")
                    continue
                if fragment and fragment not in ids[target]:
                    broken.append(f"{path} -> {href}")
    assert not broken, broken
    assert sum(len(h) for h in links.values()) > 1000
