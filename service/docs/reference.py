"""One page of every reference-data list with its codes (older versions have no endpoint for
them), and which list a field's values come from."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from domain.reference import reference_data_payload
from domain.reference.payload import FIELDS, WITHDRAWAL_REASONS
from service.docs.html import esc, page

NUMBERED = re.compile(r"^(course_subject|disability)_?\d+$")
OTHER_NAMES = {
    "subject": "degree_subject",
    "grade": "degree_grade",
    "uk_degree": "degree_type",
    "non_uk_degree": "degree_type",
    "iqts_country": "country",
    "additional_training_initiative": "training_initiative",
    "reasons": WITHDRAWAL_REASONS,
}
OPEN_UP_TO = 25  # longer lists are folded


def list_of(field: str) -> str | None:
    """The reference-data list a domain field's values come from (None: free values)."""
    numbered = NUMBERED.match(field)
    name = numbered.group(1) if numbered else OTHER_NAMES.get(field, field)
    return name if name in FIELDS else None


def link(field: str) -> str:
    """A link to the field's list on the reference-data page (empty when it has none)."""
    name = list_of(field)
    if name is None:
        return ""
    size = len(_payload()[name]["entries"])
    target = f'<a href="/api-docs/reference-data#{name}">{esc(name)}</a>'
    return f"{target} <span class=muted>({size} codes)</span>"


@cache
def _payload() -> dict[str, Any]:
    payload = reference_data_payload()
    assert payload is not None
    return payload


def _table(name: str, body: dict[str, Any]) -> str:
    extra = ["trigger"] if name == WITHDRAWAL_REASONS else ["start_year", "end_year"]
    head = "".join(f"<th>{esc(c)}</th>" for c in ("code", "display name", *extra))
    rows = "".join(
        f"<tr><td class=f>{esc(e['code'])}</td><td>{esc(e['display_name'])}</td>"
        + "".join(f"<td>{esc(e.get(c) if e.get(c) is not None else '')}</td>" for c in extra)
        + "</tr>"
        for e in body["entries"]
    )
    table = f"<table><tr>{head}</tr>{rows}</table>"
    if len(body["entries"]) > OPEN_UP_TO:
        return f"<details><summary>Show all {len(body['entries'])} codes</summary>{table}</details>"
    return table


@cache
def reference_page() -> bytes:
    """Every list, each under an anchor of its name."""
    payload = _payload()
    aside = "<h2>Lists</h2><ul>" + "".join(
        f'<li><a href="#{esc(n)}">{esc(n)}</a></li>' for n in payload
    )
    main = [
        "<h1>Reference data</h1>",
        "<p class=lead>The codes each coded field accepts, as the service validates them. "
        "Versions that serve it give the same lists at "
        "<code>GET /api/&lt;version&gt;/reference-data</code> (one list with "
        "<code>?field=&lt;name&gt;</code>). A code valid only from or until an academic year "
        "shows it.</p>",
    ]
    for name, body in payload.items():
        meta = body["metadata"]
        title = meta.get("display_name") or name
        description = meta.get("description") or ""
        main.append(
            f"<h2 id={esc(name)}>{esc(title)} <code class=muted>{esc(name)}</code></h2>"
            + (f"<p>{esc(description)}</p>" if description else "")
            + _table(name, body)
        )
    return page("Reference data", "reference-data", aside + "</ul>", "".join(main))
