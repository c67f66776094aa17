"""Hostile path ids, list parameters and raw bodies on every route of every version: a 4xx in
the version's envelope, never a 500 (docs/decisions.md, "Hostile input")."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.hostile import ALL, ENDPOINTS, valid_body, wire
from tests.api.lifecycle import create
from tests.conftest import new_provider

BAD_IDS = {
    "nul": "%00",
    "nul inside": "a%00b",
    "control": "a%07b",
    "very long": "A" * 5000,
    "one too long": "A" * 65,
    "not a slug": "not-a-trainee",
    "uuid": "3f2b6c1e-8d4a-4c1e-9b2a-5d6e7f8a9b0c",
    "unicode": "%C3%A9l%C3%A8ve",
    "emoji": "%F0%9F%99%82",
    "invalid utf-8": "%ED%A0%80%FF",
    "space": "a%20b",
    "punctuation": "a.b;c=d",
}
READS = (
    ("GET", "/trainees/{tid}"),
    ("GET", "/trainees/{tid}/placements"),
    ("GET", "/trainees/{tid}/placements/{pid}"),
    ("GET", "/trainees/{tid}/degrees"),
    ("GET", "/trainees/{tid}/degrees/{did}"),
)
REMOVALS = (
    ("DELETE", "/trainees/{tid}/placements/{pid}", "change placement"),
    ("DELETE", "/trainees/{tid}/degrees/{did}", "change degree"),
)
ROUTES = [
    *[(m, p, None) for m, p in READS],
    *[(e.method, e.path, e.name) for e in ENDPOINTS if "{tid}" in e.path],
    *REMOVALS,
]
WHAT = {"tid": "Trainee(s)", "pid": "Placement(s)", "did": "Degree(s)"}


@pytest.fixture(scope="module")
async def target(client, database) -> dict[str, Any]:
    provider = await new_provider(database)
    created = await create(client, provider)
    return {
        "provider": provider,
        "ids": {
            "tid": created["trainee_id"],
            "pid": created["placements"][0]["placement_id"],
            "did": created["degrees"][0]["degree_id"],
        },
    }


def served(version: str, path: str) -> str:
    from service.versions import VERSIONS

    if path.endswith("update-qts-or-eyts-status") and not VERSIONS[version].serves(
        "update-qts-or-eyts-status"
    ):
        return path.replace("update-qts-or-eyts-status", "recommend-for-qts")
    return path


@pytest.mark.parametrize(("method", "path", "endpoint"), ROUTES, ids=lambda r: str(r))
@pytest.mark.parametrize("version", ALL)
async def test_an_id_that_names_nothing_is_not_found_on_every_route(
    client, target, version, method, path, endpoint
):
    body = None
    if endpoint is not None:
        match = next(e for e in ENDPOINTS if e.name == endpoint)
        body = {"data": wire(version, valid_body(match, version))} if method != "DELETE" else None
    for placeholder in [p for p in ("tid", "pid", "did") if "{" + p + "}" in path]:
        for name, bad in BAD_IDS.items():
            ids = {**target["ids"], placeholder: bad}
            url = f"/api/{version}" + served(version, path).format(**ids)
            response = await client.request(
                method, url, json=body, headers=target["provider"].headers
            )
            assert response.status_code == 404, (name, url[:80], response.text[:200])
            message = f"{WHAT[placeholder]} not found"
            not_found = {"errors": [{"error": "NotFound", "message": message}]}
            assert response.json() == not_found, (name, url[:80])


LIST_ANSWERS = [
    ("page=99999999999999999999", 422, {"page": ["99999999999999999999 is too large"]}),
    ("per_page=99999999999999999999", 422, {"per_page": ["99999999999999999999 is too large"]}),
    ("page=9223372036854775807", 404, None),
    ("page=4611686018427387904&per_page=4", 404, None),
    ("per_page=9223372036854775807", 200, None),
    ("page=-99999999999999999999", 200, None),
    ("per_page=-99999999999999999999", 200, None),
    ("page=-5", 200, None),
    ("per_page=-5", 200, None),
    ("page=abc", 200, None),
    ("per_page=abc", 404, None),
    ("page=%00", 200, None),
    ("per_page=1e99", 200, None),
    ("since=0001-01-01", 200, None),
    ("since=0001-01-01T00:00:00%2B01:00", 200, None),
    ("since=9999-12-31", 404, None),
    ("since=9999-12-31T23:59:59-12:00", 404, None),
    ("since=10000-01-01", 422, {"since": ["10000-01-01 is not a valid date"]}),
    ("since=-0001-01-01", 422, {"since": ["-0001-01-01 is not a valid date"]}),
    ("since=%00", 422, {"since": ["\u0000 is not a valid date"]}),
    ("academic_cycle=99999999999999999999", 422, None),
    ("academic_cycle=%00", 422, None),
    ("status=%00", 422, {"status": ["\u0000 is not a valid status"]}),
    ("sort_order=%00", 422, {"sort_order": ["is not included in the list"]}),
    ("has_trn=%00", 200, None),
]


@pytest.mark.parametrize("version", ALL)
async def test_list_parameters_a_database_cannot_take_are_answered_not_raised(
    client, target, version
):
    for query, status, errors in LIST_ANSWERS:
        response = await client.get(
            f"/api/{version}/trainees?{query}", headers=target["provider"].headers
        )
        assert response.status_code == status, (query, response.text)
        body = response.json()
        if status == 404:
            assert body == {"errors": [{"error": "NotFound", "message": "No trainees found"}]}
        if status == 422:
            assert body["message"].startswith("Validation failed: 1 error prohibited this request")
            assert errors is None or body["errors"] == errors, query
        if status == 200:
            assert [t["trainee_id"] for t in body["data"]] == [target["ids"]["tid"]], query


def nested(depth: int, opening: bytes = b"[", closing: bytes = b"]") -> bytes:
    return opening * depth + b"1" + closing * depth


NESTINGS = {
    "arrays as data": lambda n: b'{"data":' + nested(n) + b"}",
    "objects as data": lambda n: b'{"data":' + nested(n, b'{"a":', b"}") + b"}",
    "arrays in a field": lambda n: b'{"data":{"first_names":' + nested(n) + b"}}",
    "objects in a field": lambda n: b'{"data":{"defer_date":' + nested(n, b'{"a":', b"}") + b"}}",
    "arrays outside data": lambda n: b'{"data":{"first_names":"A"},"x":' + nested(n) + b"}",
}


@pytest.mark.parametrize("shape", list(NESTINGS))
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
async def test_json_nested_to_any_depth_is_a_bad_request_or_invalid(
    client, target, endpoint, shape
):
    for version in ALL:
        url = endpoint.served_path(version, target["ids"])
        for depth in (1, 999, 1001, 50_000):
            response = await client.request(
                endpoint.method,
                url,
                content=NESTINGS[shape](depth),
                headers={**target["provider"].headers, "Content-Type": "application/json"},
            )
            assert response.status_code < 500, (version, depth, response.text)
            if response.status_code == 400:
                (message,) = response.json()["errors"]
                assert message.startswith("JSON is malformed")


BAD_BYTES = {
    "invalid utf-8": b'{"data":{"first_names":"\xff\xfe"}}',
    "overlong utf-8": b'{"data":{"first_names":"\xc0\xaf"}}',
    "utf-8 surrogate": b'{"data":{"first_names":"\xed\xa0\x80"}}',
    "escaped lone surrogate": b'{"data":{"first_names":"\\ud800"}}',
    "escaped lone low surrogate": b'{"data":{"first_names":"\\udc00x"}}',
    "number out of range": b'{"data":{"course_year":1e400}}',
    "truncated": b'{"data":{"first_names":"A',
    "nul byte outside strings": b'{"data":\x00{}}',
    "byte order mark": b'\xef\xbb\xbf{"data":{"first_names":"A"}}',
}


@pytest.mark.parametrize("raw", list(BAD_BYTES))
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
async def test_bytes_that_are_no_json_are_a_bad_request_with_the_parser_message(
    client, target, endpoint, raw
):
    for version in ALL:
        response = await client.request(
            endpoint.method,
            endpoint.served_path(version, target["ids"]),
            content=BAD_BYTES[raw],
            headers={**target["provider"].headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 400, (version, response.text)
        (message,) = response.json()["errors"]
        assert message[:1].isupper()


BAD_HEADERS = {
    "If-Match": ["\u00b2", '"\u00b9\u00b2"', '"99999999999999999999999"', "W/", '""', "*" * 5000],
    "Enhanced-Errors": ["TRUE", "\u00ff", "true" * 1000],
    "X-Request-Id": ["\u00ff" * 10, "x" * 5000, " "],
    "Content-Type": ["text/plain", "application/json; charset=latin-1", "\u00ff"],
    "Content-Length": ["\u00b2"],
    "Authorization": ["Bearer " + "A" * 10_000, "Bearer \u00ff", "Basic Zm9vOmJhcg==", ""],
}


@pytest.mark.parametrize("header", list(BAD_HEADERS))
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
async def test_headers_no_client_should_send_are_answered_not_raised(
    client, target, endpoint, header
):
    for version in ALL:
        body = {"data": wire(version, valid_body(endpoint, version))}
        for value in BAD_HEADERS[header]:
            headers = {**target["provider"].headers, header: value}
            response = await client.request(
                endpoint.method,
                endpoint.served_path(version, target["ids"]),
                json=body,
                headers={k: v.encode("latin-1") for k, v in headers.items()},
            )
            assert response.status_code < 500, (version, header, value[:20], response.text)
            if header == "Authorization":
                assert (response.status_code, response.json()) == (401, {"error": "Unauthorized"})
            if header == "If-Match" and response.status_code == 412:
                assert response.json()["errors"][0]["error"] == "PreconditionFailed"


@pytest.mark.parametrize(
    "segment", ["v%00", "v2026.1%00", "v" + "9" * 5000, "%F0%9F%99%82", "v2026.1-rc%07", "v..%2F"]
)
async def test_a_version_segment_that_is_no_version_is_a_plain_not_found(client, target, segment):
    for path in ("/info", "/trainees", f"/trainees/{target['ids']['tid']}/placements"):
        response = await client.get(f"/api/{segment}{path}", headers=target["provider"].headers)
        assert response.status_code == 404, (segment[:20], path, response.text)
