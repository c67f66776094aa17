"""The changelog page lists, for each version, everything its declaration changes."""

from __future__ import annotations

import html
import re

import pytest

from domain.rules.switches import describe
from service.versions import CHANGES, VERSIONS


def _words(change):
    """Every name and phrase a client must find for the change (read older to newer)."""
    yield from change.renames
    yield from change.renames.values()
    yield from change.response_removed | change.request_removed
    yield from change.response_added
    yield from change.fields_added
    yield from (str(e) for e in change.endpoints_removed | change.endpoints_added)
    yield from (describe(s) for s in change.rules_off | change.rules_on)
    yield from change.messages
    yield from change.messages.values()
    yield from change.wording.values()


async def test_the_changelog_names_every_declared_change(client):
    response = await client.get("/api-docs/changelog")
    assert response.status_code == 200
    text = html.unescape(re.sub(r"</?code[^>]*>", "", response.text))
    for change in CHANGES:
        assert f"id={change.name}>" in response.text
        for words in _words(change):
            assert words in text, (change.name, words)


@pytest.mark.parametrize("segment", list(VERSIONS))
async def test_each_version_page_has_its_changes(client, segment):
    page = (await client.get(f"/api-docs/{segment}")).text
    older = list(dict.fromkeys(v.name for v in VERSIONS.values()))
    name = VERSIONS[segment].name
    assert "<h2 id=changes>Changes</h2>" in page
    assert '<a href="/api-docs/changelog">' in page
    index = older.index(name)
    if index + 1 < len(older):
        assert f">{older[index + 1]}</a>:" in page and "Moving from" in page
    else:
        assert "The first version served." in page


async def test_a_moved_field_is_told_from_the_older_name_to_the_newer():
    from service.versions.changelog import changelog

    (entry,) = [e for e in changelog(VERSIONS) if e.version == "v2026.0"]
    assert entry.since == "v2025.0"
    assert "`course_subject_one` is renamed `course_subject_1`" in entry.lines
    (head,) = [e for e in changelog(VERSIONS) if e.version == "v2026.1"]
    assert "new endpoint `reference-data`" in head.lines
