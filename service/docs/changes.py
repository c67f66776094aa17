"""The changelog as pages show it: every name a change mentions is an anchor a field links to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from service.docs.html import esc, page
from service.versions import VERSIONS, served
from service.versions.changelog import Entry, changelog

NAMED = re.compile(r"`([^`]+)`")
EXAMPLES = "messages name fields as sent"  # a line that names a field only as an example


@cache
def entries() -> tuple[Entry, ...]:
    """Every served version's entry, newest first."""
    return tuple(changelog(VERSIONS))


def anchor(version: str, name: str) -> str:
    """The id of the first line of a version's entry that mentions a name."""
    return f"{version}-{name}"


def _line(entry: Entry, line: str, seen: set[str]) -> str:
    out, last = [], 0
    for match in NAMED.finditer(line):
        out.append(esc(line[last : match.start()]))
        name = match.group(1)
        ident = "" if name in seen else f' id="{esc(anchor(entry.version, name))}"'
        seen.add(name)
        out.append(f"<code{ident}>{esc(name)}</code>")
        last = match.end()
    return "".join(out) + esc(line[last:])


def section(entry: Entry, level: str = "h2") -> str:
    """One version's changelog section, each named field an anchor."""
    released = f" <span class=muted>released {entry.released}</span>" if entry.released else ""
    head = f"<{level} id={esc(entry.version)}>{esc(entry.version)}{released}</{level}>"
    if entry.since is None:
        return f"{head}<p>The first version served.</p>"
    seen: set[str] = set()
    items = "".join(f"<li>{_line(entry, line, seen)}</li>" for line in entry.lines)
    items = items or "<li>no change</li>"
    since = f'<a href="/api-docs/{esc(entry.since)}">{esc(entry.since)}</a>'
    return f"{head}<p>Moving from {since}:</p><ul class=changes>{items}</ul>"


def names_of(canonical: str) -> frozenset[str]:
    """Every name a field has had in any served version, and its domain name."""
    return frozenset({canonical, *(v.wire_name(canonical) for v in served(VERSIONS))})


def where_changed(canonical: str) -> Iterator[tuple[str, str]]:
    """Each (version, anchor) of the changelog that mentions the field under any of its names."""
    names = names_of(canonical)
    for entry in entries():
        mentioned = {
            m for line in entry.lines if not line.startswith(EXAMPLES) for m in NAMED.findall(line)
        }
        for name in sorted(names & mentioned):
            yield entry.version, anchor(entry.version, name)
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
