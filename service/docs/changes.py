"""The changelog as pages show it: every name a change mentions is an anchor a field links to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from service.docs.html import code, esc, page
from service.versions import VERSIONS, served
from service.versions.changelog import Entry, changelog

NAMED = re.compile(r"`([^`]+)`")
WORD = re.compile(r"\b[a-z][a-z0-9_]*_[a-z0-9_]+\b")  # a field named in a rule's words
EXAMPLES = "messages name fields as sent"  # a line that names a field only as an example


@cache
def entries() -> tuple[Entry, ...]:
    """Every served version's entry, newest first."""
    return tuple(changelog(VERSIONS))


def anchor(version: str, line: int) -> str:
    """The id of one line of a version's entry."""
    return f"{version}-{line}"


def section(entry: Entry, level: str = "h2") -> str:
    """One version's changelog section, each line an anchor a field can link to."""
    released = f" <span class=muted>released {entry.released}</span>" if entry.released else ""
    head = f"<{level} id={esc(entry.version)}>{esc(entry.version)}{released}</{level}>"
    if entry.since is None:
        return f"{head}<p>The first version served.</p>"
    items = "".join(
        f"<li id={esc(anchor(entry.version, n))}>{code(line)}</li>"
        for n, line in enumerate(entry.lines, 1)
    )
    items = items or "<li>no change</li>"
    since = f'<a href="/api-docs/{esc(entry.since)}">{esc(entry.since)}</a>'
    return f"{head}<p>Moving from {since}:</p><ul class=changes>{items}</ul>"


def names_of(canonical: str) -> frozenset[str]:
    """Every name a field has had in any served version, and its domain name."""
    return frozenset({canonical, *(v.wire_name(canonical) for v in served(VERSIONS))})


def _mentions(line: str) -> set[str]:
    if line.startswith(EXAMPLES):
        return set()
    return set(NAMED.findall(line)) | set(WORD.findall(line))


def where_changed(canonical: str) -> Iterator[tuple[str, str]]:
    """Each (version, anchor) of the first changelog line that mentions the field under any
    of its names, in every version whose entry mentions it."""
    names = names_of(canonical)
    for entry in entries():
        for n, line in enumerate(entry.lines, 1):
            if names & _mentions(line):
                yield entry.version, anchor(entry.version, n)
                break


@cache
def changelog_page() -> bytes:
    """Every version's changes, newest first."""
    aside = "<h2>Versions</h2><ul>" + "".join(
        f'<li><a href="#{esc(e.version)}">{esc(e.version)}</a></li>' for e in entries()
    )
    main = [
        "<h1>Changes between versions</h1>",
        "<p class=lead>What a client moving from each version to the next newer one must "
        "change, generated from the versions' declarations.</p>",
    ]
    main += [section(e) for e in entries()]
    return page("API changelog", "changelog", aside + "</ul>", "".join(main))
