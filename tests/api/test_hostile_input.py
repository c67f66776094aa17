"""A hostile client's bodies, ids and parameters: each a 4xx in the version's own words and
envelope, never a 500, and nothing of them stored (docs/decisions.md, "Hostile input")."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import Problem
from domain.rules.catalogue import measured
from service.versions import VERSIONS
from tests.api.hostile import (
    ALL,
    BAD_VALUES,
    DEGREE,
    ENDPOINTS,
    Endpoint,
    refusal,
    sorted_errors,
    valid_body,
    wire,
)
from tests.api.lifecycle import create
from tests.bodies import trainee
from tests.conftest import new_provider

NESTED = {"placements_attributes": ("urn", "name", "postcode"), "degrees_attributes": tuple(DEGREE)}


@pytest.fixture(scope="module")
async def target(client, database) -> dict[str, Any]:
    """A provider and one trainee of its, with a placement and a degree, that every hostile
    request of this module aims at (none of them may change it)."""
    provider = await new_provider(database)
    created = await create(client, provider)
    return {
        "provider": provider,
        "trainee": created,
        "ids": {
            "tid": created["trainee_id"],
            "pid": created["placements"][0]["placement_id"],
            "did": created["degrees"][0]["degree_id"],
        },
    }


async def send(client, target, endpoint: Endpoint, version: str, data: Any) -> Any:
    return await client.request(
        endpoint.method,
        endpoint.served_path(version, target["ids"]),
        json={"data": data},
        headers=target["provider"].headers,
    )


def hostile_body(endpoint: Endpoint, version: str, kind: str) -> tuple[dict[str, Any], list]:
    """A valid body with the bad value in every field the endpoint reads (nested items too),
    and the problems a refusal lists."""
    bad = BAD_VALUES[kind]
    fields = endpoint.fields_in(version)
    if kind == "too long":  # where a length rule is kept, it refuses the value in its words
        fields = tuple(f for f in fields if f not in measured(VERSIONS[version].policy))
    body = {**valid_body(endpoint, version), **{f: bad(f) for f in fields}}
    problems = [Problem(f, "is invalid") for f in fields]
    if endpoint.name == "create":
        for nested, names in NESTED.items():
            body[nested] = [{name: bad(name) for name in names}]
            problems += [Problem(name, "is invalid", nested) for name in names]
    return wire(version, body), problems


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
@pytest.mark.parametrize("version", ALL)
async def test_a_value_no_field_takes_is_invalid_in_every_field_it_is_sent_in(
    client, target, version, endpoint
):
    for kind in BAD_VALUES:
        body, problems = hostile_body(endpoint, version, kind)
        response = await send(client, target, endpoint, version, body)
        assert response.status_code == 422, (kind, response.text)
        expected = sorted_errors(refusal(version, endpoint, problems))
        assert sorted_errors(response.json()) == expected, kind


async def test_refusals_read_in_each_versions_own_words(client, target):
    async def errors(version: str, endpoint_name: str, data: dict[str, Any]) -> Any:
        endpoint = next(e for e in ENDPOINTS if e.name == endpoint_name)
        body = {**valid_body(endpoint, version), **data}
        return (await send(client, target, endpoint, version, body)).json()["errors"]

    nul = "a\u0000b"
    assert await errors("v0.1", "patch", {"first_names": nul}) == ["First names is invalid"]
    assert await errors("v0.1", "patch", {"itt_aim": nul}) == [
        "Hesa trainee detail attributes Itt aim is invalid"
    ]
    assert await errors("v2025.0", "patch", {"course_subject_one": {"a": 1}}) == [
        "course_subject_one is invalid"
    ]
    assert await errors("v2025.0", "patch", {"lead_partner_urn": False}) == [
        "lead_partner_urn is invalid"
    ]
    assert await errors("v2026.1", "create", {"placements_attributes": [{"name": nul}]}) == [
        "placements_attributes name is invalid"
    ]
    message = {"error": "UnprocessableEntity", "message": "Name is invalid"}
    assert await errors("v0.1", "add placement", {"name": {"a": 1}}) == [message]
    message = {"error": "UnprocessableEntity", "message": "Withdraw date is invalid"}
    assert await errors("v0.1", "withdraw", {"withdraw_date": nul}) == [message]
    message = {"error": "UnprocessableEntity", "message": "withdraw_date is invalid"}
    assert await errors("v2025.0", "withdraw", {"withdraw_date": nul}) == [message]
    message = {"error": "UnprocessableEntity", "message": "defer_reason is invalid"}
    assert await errors("v0.1", "defer", {"defer_reason": {"a": 1}}) == [message]


async def test_enhanced_errors_group_the_refusals_by_field(client, target):
    provider = target["provider"]
    headers = {**provider.headers, "Enhanced-Errors": "true"}
    body = valid_body(ENDPOINTS[0], "v2026.1") | {
        "first_names": False,
        "placements_attributes": [{"name": "a\u0000b"}],
    }
    response = await client.post("/api/v2026.1/trainees", json={"data": body}, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "first_names": ["is invalid"],
        "placements_attributes": {"name": ["is invalid"]},
    }
    flat = wire("v2025.0", body)
    response = await client.post("/api/v2025.0/trainees", json={"data": flat}, headers=headers)
    assert response.json()["errors"] == {
        "first_names": ["is invalid"],
        "placements_attributes": ["name is invalid"],
    }


async def test_wrongly_shaped_values_are_never_stored_as_text(client, target):
    provider, tid = target["provider"], target["ids"]["tid"]
    headers = provider.headers
    refused = [
        ("POST", f"/api/v2026.1/trainees/{tid}/placements", {"name": {"a": 1}}),
        ("PATCH", f"/api/v2026.1/trainees/{tid}", {"first_names": False}),
        (
            "POST",
            f"/api/v2026.1/trainees/{tid}/defer",
            {"defer_date": "2025-01-01", "defer_reason": {"a": 1}},
        ),
        ("PATCH", f"/api/v2026.1/trainees/{tid}", {"middle_names": ["Ann"]}),
    ]
    for method, path, data in refused:
        response = await client.request(method, path, json={"data": data}, headers=headers)
        assert response.status_code == 422, (path, response.text)
    after = await client.get(f"/api/v2026.1/trainees/{tid}", headers=headers)
    assert after.json() == target["trainee"] | {"updated_at": after.json()["updated_at"]}
    assert after.json()["updated_at"] == target["trainee"]["updated_at"]


async def test_numbers_within_64_bits_are_still_taken_as_their_decimal_text(client, provider):
    body = wire("v2026.1", valid_body(ENDPOINTS[0], "v2026.1"))
    body |= {"provider_trainee_id": 2**63 - 1, "course_year": 1}
    response = await client.post(
        "/api/v2026.1/trainees", json={"data": body}, headers=provider.headers
    )
    assert response.status_code == 201, response.text
    assert response.json()["data"]["provider_trainee_id"] == str(2**63 - 1)
    body["provider_trainee_id"] = 2**63
    response = await client.post(
        "/api/v2026.1/trainees", json={"data": body}, headers=provider.headers
    )
    assert response.json()["errors"] == ["provider_trainee_id is invalid"]


async def test_free_text_keeps_its_line_breaks_where_a_name_may_not(client, provider):
    created = await create(client, provider)
    tid = created["trainee_id"]
    reason = "Moved abroad.\n\tBack next year?\r\n"
    response = await client.post(
        f"/api/v2026.1/trainees/{tid}/defer",
        json={"data": {"defer_date": created["itt_start_date"], "defer_reason": reason}},
        headers=provider.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["defer_reason"] == reason.strip()
    refused = await client.patch(
        f"/api/v2026.1/trainees/{tid}",
        json={"data": {"first_names": "Jane\nDoe"}},
        headers=provider.headers,
    )
    assert refused.json()["errors"] == ["first_names is invalid"]


LONG = 100_000  # far beyond what the decoding edge stores, within the body limit


@pytest.mark.parametrize(
    ("sent", "errors"),
    [
        ({"first_names": "F" * LONG}, ["first_names is too long (maximum is 60 characters)"]),
        ({"last_name": "L" * LONG}, ["last_name is too long (maximum is 60 characters)"]),
        (
            {"provider_trainee_id": "P" * 501, "middle_names": "M" * 501},
            [
                "provider_trainee_id is too long (maximum is 50 characters)",
                "middle_names is too long (maximum is 60 characters)",
            ],
        ),
        ({"hesa_id": "1" * LONG}, ["hesa_id must be 13 or 17 characters"]),
        ({"middle_names": " " * 501}, ["middle_names is invalid"]),  # blank: no rule measures it
        ({"first_names": "F" * 501 + "\u0000"}, ["first_names is invalid"]),
    ],
)
async def test_a_text_too_long_to_store_gets_its_length_rules_words(client, target, sent, errors):
    tid = target["ids"]["tid"]
    for method in ("POST", "PATCH"):
        path = "/api/v2026.1/trainees" + ("" if method == "POST" else f"/{tid}")
        body = {**trainee(), **sent} if method == "POST" else sent
        response = await client.request(
            method, path, json={"data": body}, headers=target["provider"].headers
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"] == errors, method
    kept = await client.get(f"/api/v2026.1/trainees/{tid}", headers=target["provider"].headers)
    assert kept.json()["first_names"] == target["trainee"]["first_names"]


async def test_a_defer_reason_too_long_to_store_gets_its_length_rules_words(client, target):
    for version in ("v2026.1", "v0.1"):
        response = await client.post(
            f"/api/{version}/trainees/{target['ids']['tid']}/defer",
            json={"data": {"defer_date": "2020-01-01", "defer_reason": "r" * LONG}},
            headers=target["provider"].headers,
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"] == [
            {
                "error": "UnprocessableEntity",
                "message": "defer_reason is too long (maximum is 500 characters)",
            }
        ], version


async def test_an_older_version_words_a_long_name_as_its_own_check_does(client, target):
    tid, headers = target["ids"]["tid"], target["provider"].headers
    for method, path, body in (
        ("POST", "/api/v0.1/trainees", wire("v0.1", trainee(first_names="F" * LONG))),
        ("PATCH", f"/api/v0.1/trainees/{tid}", {"first_names": "F" * LONG}),
        ("PATCH", f"/api/v1.0-pre/trainees/{tid}", {"first_names": "F" * LONG}),
    ):
        response = await client.request(method, path, json={"data": body}, headers=headers)
        assert response.status_code == 422, response.text
        assert response.json() == {
            "message": "Validation failed: 1 error prohibited this trainee from being saved",
            "errors": {
                "personal_details": {"first_names": ["First name must be 60 characters or fewer"]}
            },
        }, (method, path)
    # v0.1 keeps no length rule for the provider's own id: the edge's limit refuses it
    response = await client.patch(
        f"/api/v0.1/trainees/{tid}",
        json={"data": wire("v0.1", {"provider_trainee_id": "P" * 501})},
        headers=headers,
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == ["Provider trainee id is invalid"]
