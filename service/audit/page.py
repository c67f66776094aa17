"""The auditors' web page as HTML: server-rendered, one inline style sheet, no scripts and
nothing fetched from elsewhere, so it works offline."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

import msgspec

STYLE = """body{font:15px/1.45 system-ui,sans-serif;max-width:78rem;margin:0 auto;padding:0 1rem;
color:#0b0c0c}header{display:flex;justify-content:space-between;align-items:center;
border-bottom:6px solid #1d70b8;margin-bottom:1rem}header h1{font-size:1.3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
td,th{border-bottom:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top;
overflow-wrap:anywhere}
th{background:#f3f2f1}code,.mono{font-family:ui-monospace,monospace;font-size:.85rem}
.ok,.bad{padding:.6rem 1rem;margin:1rem 0;font-weight:600}.ok{background:#cce2d8;color:#005a30}
.bad{background:#f4cdc6;color:#942514}.err{color:#d4351c;font-weight:600}
.chg{margin:0;padding-left:1rem}.from{color:#942514;text-decoration:line-through}
.to{color:#005a30}tr.sel{background:#fff7bf}form.inline{display:inline}
input,select,button{font:inherit;padding:.3rem .5rem}button{background:#00703c;color:#fff;
border:0;cursor:pointer}button.link{background:none;color:#1d70b8;text-decoration:underline}"""
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


def e(value: object) -> str:
    """Escaped text."""
    return html.escape("" if value is None else str(value))


def _json(value: Any) -> str:
    return "–" if value is None else msgspec.json.encode(value).decode()


def layout(title: str, body: str, *, who: str | None = None, csrf: str | None = None) -> bytes:
    """A whole page; signed in, the header names the token and offers sign-out."""
    out = ""
    if who is not None and csrf is not None:
        out = (
            f"<span>Signed in as <b>{e(who)}</b> · <form class=inline method=post "
            f'action="/audit/sign-out"><input type=hidden name=csrf value="{e(csrf)}">'
            "<button class=link type=submit id=sign-out>Sign out</button></form></span>"
        )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<meta name=viewport content='width=device-width'><title>{e(title)}</title>"
        f"<style>{STYLE}</style></head><body><header><h1><a href='/audit/'>Register trainee "
        f"teachers · audit</a></h1>{out}</header><main>{body}</main></body></html>"
    ).encode()


def sign_in(csrf: str, error: str | None = None) -> str:
    """The sign-in form."""
    problem = f"<p class=err role=alert>{e(error)}</p>" if error else ""
    return (
        "<h2>Sign in</h2><p>Use the audit token an operator issued you "
        "(<code>trainees tokens issue --audit</code>).</p>"
        f"{problem}<form method=post action='/audit/sign-in'>"
        f"<input type=hidden name=csrf value='{e(csrf)}'>"
        "<label for=token>Audit token</label><br>"
        "<input id=token name=token type=password size=60 autocomplete=off required> "
        "<button type=submit>Sign in</button></form>"
        "<p><a href='/audit/v1/docs'>The audit API</a></p>"
    )


def search(query: str, found: Iterable[Mapping[str, Any]] | None) -> str:
    """The search form and its results."""
    out = (
        "<h2>Find a trainee</h2><form method=get action='/audit/'>"
        "<label for=q>Trainee id, TRN or provider trainee id</label><br>"
        f"<input id=q name=q value='{e(query)}' size=40 required> "
        "<button type=submit>Find</button></form>"
    )
    if found is None:
        return out
    rows = [
        f"<tr><td><a href='/audit/trainees/{e(r['slug'])}'>{e(r['slug'])}</a></td>"
        f"<td>{e(r['trn'])}</td><td>{e(r['provider_trainee_id'])}</td><td>{e(r['ukprn'])}</td>"
        f"<td>{e(r['state'])}</td></tr>"
        for r in found
    ]
    if not rows:
        return out + "<p id=none>No trainee found within your token's providers.</p>"
    return out + (
        "<table id=results><tr><th>trainee id</th><th>TRN</th><th>provider trainee id</th>"
        f"<th>provider UKPRN</th><th>state</th></tr>{''.join(rows)}</table>"
    )


def _who(actor: Mapping[str, Any]) -> str:
    if actor["type"] == "provider":
        return f"provider {e(actor['provider_id'])}<br>token <code>{e(actor['token_id'])}</code>"
    if actor["type"] == "teacher_record_system":
        return f"teacher-record system<br>(recorded by {e(actor['recorded_by'])})"
    return f"operator {e(actor.get('operator'))}"


def _changes(changes: Mapping[str, Mapping[str, Any]]) -> str:
    items = "".join(
        f"<li><code>{e(name)}</code>: <span class=from>{e(_json(c['from']))}</span> → "
        f"<span class=to>{e(_json(c['to']))}</span></li>"
        for name, c in changes.items()
    )
    return f"<ul class=chg>{items}</ul>" if items else "–"


def verification(result: Mapping[str, Any]) -> str:
    """Whether the trainee's chain verifies."""
    if result["verified"]:
        head = result["head"]
        return (
            f"<p class=ok id=verify>Chain verified: {result['events']} events, every one as "
            f"appended; {result['seals']} seals checked. Head hash "
            f"<code>{e(head['hash'] if head else '')}</code></p>"
        )
    broken = result["broken"]
    at = f"event {broken['sequence']}" if broken["sequence"] is not None else "the stream"
    return f"<p class=bad id=verify>Chain BROKEN at {e(at)}: {e(broken['reason'])}</p>"


def trainee(
    slug: str,
    events: list[dict[str, Any]],
    state: Mapping[str, Any],
    sequence: int,
    vocabulary: str,
    versions: Iterable[str],
    verified: Mapping[str, Any],
) -> str:
    """One trainee: verification, timeline, and the state at the chosen event."""
    options = "".join(
        f"<option{' selected' if v == vocabulary else ''}>{e(v)}</option>" for v in versions
    )
    rows = []
    for ev in events:
        link = "?" + urlencode({"sequence": ev["sequence"], "vocabulary": vocabulary})
        rows.append(
            f"<tr{' class=sel' if ev['sequence'] == sequence else ''}>"
            f"<td>{ev['sequence']}</td><td>{e(ev['at'])}</td><td><b>{e(ev['event'])}</b></td>"
            f"<td>{_who(ev['actor'])}</td><td>{e(ev['api_version'] or '–')}<br>"
            f"<span class=mono>{e(ev['request_id'] or '')}</span></td>"
            f"<td>{_changes(ev['changes'])}</td>"
            f"<td><a href='{e(link)}'>state</a><br><span class=mono title='{e(ev['hash'])}'>"
            f"{e((ev['hash'] or '')[:12])}…</span></td></tr>"
        )
    fields = "".join(
        f"<tr><td><code>{e(k)}</code></td><td class=mono>{e(_json(v))}</td></tr>"
        for k, v in state.items()
    )
    return (
        f"<h2>Trainee <code>{e(slug)}</code></h2>{verification(verified)}"
        "<form method=get><label for=vocabulary>Field names of API version</label> "
        f"<select id=vocabulary name=vocabulary>{options}</select>"
        f"<input type=hidden name=sequence value='{sequence}'> "
        "<button type=submit>Show</button></form>"
        f"<h3>Timeline ({len(events)} events)</h3><table id=timeline><tr><th>#</th><th>when</th>"
        "<th>event</th><th>who</th><th>version · request</th><th>what changed</th><th></th></tr>"
        f"{''.join(rows)}</table>"
        f"<h3 id=state-title>State after event {sequence}, as {e(vocabulary)} shows it</h3>"
        f"<table id=state><tr><th>field</th><th>value</th></tr>{fields}</table>"
    )
