"""One operation of one version: what to send, an example exchange and every refusal."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from service.api.writes import etag
from service.clock import today
from service.config import Settings
from service.docs import errors, examples
from service.docs.fields import resolve, table
from service.docs.html import as_json, esc
from service.observability.middleware import policy_header
from service.openapi import endpoint_of
from service.versions import HEAD, ApiVersion

TRAINEE_ANSWERS = frozenset({"trainees", *examples.ACTION_REQUESTS})
OPEN_UP_TO = 15  # a longer list of refusals starts folded
UPDATE = {"last_name": "Example-Smith", "email": "jane.smith@example.com"}


def success(op: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The operation's success status and its answer."""
    status = next(s for s in op["responses"] if str(s).startswith("2"))
    return str(status), op["responses"][status]


def request_body(version: ApiVersion, path: str, method: str) -> dict[str, Any] | None:
    """The example `data` the operation is sent, named as the version names its fields."""
    if method not in errors.WRITES:
        return None
    endpoint, day = endpoint_of(path), today()
    sample = examples.sample_request(day)
    if endpoint == "trainees":
        body = sample if method == "post" else UPDATE
    elif endpoint == "placements":
        body = {**sample["placements_attributes"][0], "postcode": "BN1 1AA"}
    elif endpoint == "degrees":
        body = sample["degrees_attributes"][0]
    else:
        body = examples.action_request(endpoint, day)
    return examples.in_version(body, version)


def response_body(version: ApiVersion, path: str, method: str) -> Any:
    """The example answer, rendered through the version as the handlers render it."""
    endpoint = endpoint_of(path)
    if endpoint == "info":
        return {"status": "ok", "version": {"requested": version.name, "latest": HEAD.name}}
    if endpoint == "reference-data":
        from domain.reference import reference_data_payload

        return reference_data_payload("sex")
    document = examples.document(endpoint if endpoint in examples.ACTION_REQUESTS else "trainees")
    trainee = version.render(document)
    if endpoint in ("placements", "degrees"):
        items = document[endpoint]
        if method == "delete":
            return {"data": trainee}
        listing = method == "get" and not path.endswith("}")
        return {"data": items if listing else items[0]}
    if path.endswith("/trainees") and method == "get":
        return {
            "data": [trainee],
            "meta": {"current_page": 1, "total_pages": 1, "total_count": 1, "per_page": 50},
        }
    if method == "get":
        return trainee
    return {"data": trainee}


def concrete(path: str, version: ApiVersion) -> str:
    """The path with the example's ids in it."""
    document = examples.document()
    values = {
        "api_version": version.name,
        "trainee_id": document["trainee_id"],
        "placement_id": document["placements"][0]["placement_id"] if document["placements"] else "",
        "degree_id": document["degrees"][0]["degree_id"] if document["degrees"] else "",
    }
    for name, value in values.items():
        path = path.replace("{" + name + "}", str(value))
    if path.endswith("/reference-data"):
        path += "?field=sex"
    return path


def exchange(version: ApiVersion, path: str, method: str, op: Mapping[str, Any]) -> str:
    """The example request and answer, side by side."""
    lines = [f"{method.upper()} {concrete(path, version)} HTTP/1.1"]
    if endpoint_of(path) != "reference-data":
        lines.append("Authorization: Bearer <token>")
    body = request_body(version, path, method)
    if body is not None:
        lines += ["Content-Type: application/json", "", json.dumps({"data": body}, indent=2)]
    status, _ = success(op)
    answer = response_body(version, path, method)
    headers = ["Content-Type: application/json"]
    if endpoint_of(path) != "reference-data":
        policy = policy_header(Settings.rate_limit, Settings.rate_limit_window).decode()
        headers.append(f"RateLimit-Policy: {policy}")
    if endpoint_of(path) not in ("info", "reference-data") and not (
        path.endswith("/trainees") and method == "get"
    ):
        headers += [f"{k}: {v}" for k, v in etag(examples.registered().version).items()]
    reply = "\n".join([f"HTTP/1.1 {status}", *headers, ""])
    return (
        "<div class=cols><div><h4>Example request</h4>"
        f"<pre>{esc(chr(10).join(lines))}</pre></div><div><h4>Example answer</h4>"
        f"<pre>{esc(reply)}\n{as_json(answer)}</pre></div></div>"
    )


def request_fields(
    version: ApiVersion, path: str, method: str, op: Mapping[str, Any], doc: Mapping[str, Any]
) -> str:
    """The table of the fields the operation's `data` takes."""
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    outer = resolve(body.get("schema", {}), doc)
    data = resolve(outer.get("properties", {}).get("data", {}), doc)
    properties = data.get("properties", {})
    if not properties:
        return ""
    required = frozenset(data.get("required", ()))
    if method == "post":
        required |= errors.required(version.name, endpoint_of(path))
    example = request_body(version, path, method) or {}
    if method != "post":
        example = {**examples.in_version(examples.sample_request(today()), version), **example}
    note = (
        "<p class=muted>A partial update: send only the fields that change; the whole record "
        "is checked again.</p>"
        if method in ("put", "patch")
        else ""
    )
    return f"<h4>Request fields (<code>data</code>)</h4>{note}" + table(
        version, properties, doc, required=required, example=example, anchor=op["operationId"]
    )


def refusals(version: ApiVersion, path: str, method: str, index: Mapping[str, str]) -> str:
    """Every refusal of the operation, linked to the index of errors."""
    found = errors.answers(version.name, path, method)
    rows = "".join(
        f"<tr><td class='st s{str(a.status)[0]}'>{a.status}</td><td>{esc(a.kind)}</td>"
        f'<td><a href="#{index[a.message]}">{esc(a.message)}</a></td></tr>'
        for a in found
    )
    example = errors.example_refusal(version.name, path, method)
    shown = f"<h4>Example refusal (422)</h4><pre>{as_json(example)}</pre>" if example else ""
    return (
        f"<h4>Errors ({len(found)})</h4><details{' open' if len(found) <= OPEN_UP_TO else ''}>"
        "<summary>Every status and message this "
        f"operation can answer with in {esc(version.name)}</summary><table><tr><th>status</th>"
        f"<th>error</th><th>message</th></tr>{rows}</table></details>{shown}"
    )
