"""A version's page: how to call it, each operation in full, the trainee object, the index of
its errors and its changes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from service.docs import errors, examples
from service.docs.changes import entries, section
from service.docs.fields import resolve, table
from service.docs.html import esc, page
from service.docs.operations import exchange, refusals, request_fields, success
from service.openapi import endpoint_of, openapi
from service.versions import VERSIONS, ApiVersion

Operation = tuple[str, str, dict[str, Any]]


def operations(doc: Mapping[str, Any]) -> Iterator[Operation]:
    """Every (path, method, operation) of the document, in the document's order."""
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            if isinstance(op, dict) and "responses" in op:
                yield path, method, op


def short(path: str) -> str:
    """A path as the side bar shows it."""
    return path.removeprefix("/api/{api_version}").replace("{trainee_id}", "{id}")


def _users(operations: list[str], groups: dict[str, set[str]], titles: dict[str, str]) -> str:
    for title, members in groups.items():
        if set(operations) == members:
            return title
    return " ".join(f'<a class=tag href="#{esc(o)}">{esc(titles[o])}</a>' for o in operations)


def _index(version: ApiVersion, ops: list[Operation]) -> tuple[dict[str, str], str]:
    """Every message of the version with the operations answering it, and their anchors."""
    users: dict[str, list[str]] = {}
    first: dict[str, errors.Answer] = {}
    for path, method, op in ops:
        for answer in errors.answers(version.name, path, method):
            users.setdefault(answer.message, []).append(op["operationId"])
            first.setdefault(answer.message, answer)
    ordered = sorted(first.values(), key=lambda a: (a.status, a.kind, a.message))
    anchors = {a.message: f"error-{n}" for n, a in enumerate(ordered, 1)}
    titles = {op["operationId"]: f"{m.upper()} {short(p)}" for p, m, op in ops}
    groups = {
        "every operation": {op["operationId"] for _, _, op in ops},
        "every operation that takes a token": {
            op["operationId"] for p, _, op in ops if not p.endswith("reference-data")
        },
        "every write": {op["operationId"] for _, m, op in ops if m in errors.WRITES},
        "every operation on a trainee": {
            op["operationId"] for p, _, op in ops if "{trainee_id}" in p
        },
        "every change to a trainee": {
            op["operationId"]
            for p, m, op in ops
            if "{trainee_id}" in p and (m in errors.WRITES or m == "delete")
        },
    }
    rows = "".join(
        f"<tr id={anchors[a.message]}><td class='st s{str(a.status)[0]}'>{a.status}</td>"
        f"<td>{esc(a.kind)}</td><td>{esc(a.message)}</td><td>"
        f"{_users(users[a.message], groups, titles)}</td></tr>"
        for a in ordered
    )
    html = (
        f"<h2 id=errors>Index of errors</h2><p>Every answer other than success that "
        f"{esc(version.name)} can give ({len(ordered)} messages), worded exactly as it words "
        f"them. Where a message repeats a value the client sent, it is shown as "
        f"<code>{errors.SENT}</code>.</p><table class=index><col class=s><col class=k><col>"
        f"<col class=u><tr><th>status</th><th>error</th>"
        f"<th>message</th><th>answered by</th></tr>{rows}</table>"
    )
    return anchors, html


def _sentence(op: Mapping[str, Any]) -> str:
    text = str(op.get("summary") or op.get("description") or "").strip()
    return text if not text or text.endswith(".") else text + "."


def _operation(
    version: ApiVersion,
    path: str,
    method: str,
    op: dict[str, Any],
    doc: Mapping[str, Any],
    anchors: Mapping[str, str],
) -> str:
    status = success(op)[0]
    endpoint = endpoint_of(path)
    returns = ""
    if endpoint in ("trainees", *examples.ACTION_REQUESTS) and not (
        path.endswith("/trainees") and method == "post"
    ):
        returns = '<p>Answers with <a href="#trainee-object">the trainee object</a>.</p>'
    if path.endswith("/trainees") and method == "post":
        returns = '<p>Answers 201 with <a href="#trainee-object">the trainee object</a>.</p>'
    query = [p for p in op.get("parameters", []) if p.get("in") == "query"]
    params = ""
    if query:
        params = "<h4>Query parameters</h4>" + table(
            version,
            {p["name"]: p.get("schema", {}) for p in query},
            doc,
            required=frozenset(p["name"] for p in query if p.get("required")),
        )
    return (
        f"<section class=op id={esc(op['operationId'])}><h2><span class='m {method}'>"
        f"{method.upper()}</span><code>{esc(path)}</code></h2><p>{esc(_sentence(op))} "
        f"Success: <b>{esc(status)}</b>.</p>{returns}"
        + params
        + request_fields(version, path, method, op, doc)
        + exchange(version, path, method, op)
        + refusals(version, path, method, anchors)
        + "</section>"
    )


def _trainee_object(version: ApiVersion, ops: list[Operation], doc: Mapping[str, Any]) -> str:
    show = next((op for p, m, op in ops if m == "get" and p.endswith("{trainee_id}")), None)
    if show is None:
        return ""
    _, answer = success(show)
    schema = resolve(answer["content"]["application/json"]["schema"], doc)
    return (
        "<h2 id=trainee-object>The trainee object</h2><p>What every trainee answer carries in "
        f"{esc(version.name)}; the example is the sample trainee above.</p>"
        + table(
            version,
            schema.get("properties", {}),
            doc,
            example=version.render(examples.document()),
            request=False,
            anchor="trainee",
        )
    )


CONVENTIONS = """<h2 id=conventions>Conventions</h2><ul>
<li>Send <code>Authorization: Bearer &lt;token&gt;</code> with every request under
<code>/api</code> (reference data needs none); a missing or unknown token is answered 401.</li>
<li>Write bodies are JSON objects with the record under <code>data</code>.</li>
<li>Every write answers an <code>ETag</code> with the trainee's version; send it back as
<code>If-Match</code> to refuse an update when someone else changed the trainee first (409).</li>
<li>Send an <code>Idempotency-Key</code> (1 to 255 printable ASCII characters) with a
<code>POST</code>, <code>PUT</code>, <code>PATCH</code> or <code>DELETE</code> to have a retry
applied once: the same request again gets the first answer with
<code>Idempotent-Replayed: true</code>; the key with another request is refused (422), and while
the first still runs a retry gets 409 with <code>Retry-After</code>.</li>
<li>Send <code>Enhanced-Errors: true</code> on a trainee create or update to have validation
messages grouped by field.</li>
<li>Every answer under <code>/api</code> carries <code>RateLimit-Policy</code> (requests per
window) and <code>RateLimit</code> (requests left and seconds to the next window); too many
requests in a window are answered 429 with <code>Retry-After</code>.</li>
<li>A version marked for retirement answers with <code>Deprecation</code>, <code>Sunset</code>
and a <code>Link</code> to the <a href="/api-docs/changelog">changelog</a>.</li>
<li>Dates are <code>YYYY-MM-DD</code>; coded fields take the codes of their
<a href="/api-docs/reference-data">reference-data list</a>.</li></ul>"""


@cache
def version_page(segment: str) -> bytes:
    """The whole page of one version."""
    version = VERSIONS[segment]
    doc = openapi(version.name)
    ops = list(operations(doc))
    anchors, index = _index(version, ops)
    entry = next(e for e in entries() if e.version == version.name)
    aside = ["<h2>On this page</h2><ul><li><a href=#conventions>Conventions</a></li>"]
    aside += ["<li><a href=#trainee-object>The trainee object</a></li>"]
    aside += ["<li><a href=#errors>Index of errors</a></li><li><a href=#changes>Changes</a></li>"]
    aside += ["</ul><h2>Operations</h2><ul>"]
    aside += [
        f"<li><a href=#{esc(op['operationId'])} title='{m.upper()} {esc(p)}'>"
        f"<span class='m {m}'>{m.upper()}</span><span class=p>{esc(short(p))}</span></a></li>"
        for p, m, op in ops
    ]
    main = [
        f"<h1>Register trainee teachers API {esc(version.name)}</h1>",
        f"<p class=lead>{esc(doc['info']['description'])}</p>",
        f'<p>Machine-readable: <a href="/api-docs/{esc(segment)}/openapi.json">openapi.json</a>'
        f' · <a href="/api-docs/{esc(segment)}/openapi.yaml">openapi.yaml</a></p>',
        CONVENTIONS,
    ]
    main += [_operation(version, p, m, op, doc, anchors) for p, m, op in ops]
    main += [_trainee_object(version, ops, doc), index, "<h2 id=changes>Changes</h2>"]
    main += [
        section(entry, "h3"),
        '<p><a href="/api-docs/changelog">Every version\'s changes</a></p>',
    ]
    return page(f"API {version.name}", segment, "".join(aside) + "</ul>", "".join(main))
