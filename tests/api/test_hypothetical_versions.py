"""A service built with hypothetical newer versions (tests/versions/hypothetical.py) still
reads and writes every field in every version, through HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.database import Database
from service.versions import HEAD
from tests.bodies import trainee
from tests.versions.hypothetical import CHAIN


def subject_name(version: str) -> str:
    return CHAIN[version].wire_name("course_subject_1")


def hesa_name(version: str) -> str:
    return CHAIN[version].wire_name("hesa_id")


def body_for(version: str, **overrides: Any) -> dict[str, Any]:
    body = trainee(**overrides)
    body[subject_name(version)] = body.pop("course_subject_1")
    body[hesa_name(version)] = body.pop("hesa_id", "0310261553101")
    return body


@pytest.fixture(scope="module")
async def chain_client(settings: Settings, database: Database) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    from service.app import create_app

    async with AsyncTestClient(app=create_app(settings, database, versions=CHAIN)) as c:
        yield c


@pytest.mark.parametrize("writer", list(CHAIN))
async def test_a_trainee_written_in_any_version_reads_the_same_in_every_version(
    chain_client: Any, provider: Any, writer: str
) -> None:
    sent = body_for(writer)
    created = await chain_client.post(
        f"/api/{writer}/trainees", json={"data": sent}, headers=provider.headers
    )
    assert created.status_code == 201, created.text
    tid = created.json()["data"]["trainee_id"]
    seen: dict[str, Any] = {}
    for reader in CHAIN:
        got = await chain_client.get(f"/api/{reader}/trainees/{tid}", headers=provider.headers)
        assert got.status_code == 200
        document = got.json()
        assert document[subject_name(reader)] == sent[subject_name(writer)], reader
        assert document[hesa_name(reader)] == sent[hesa_name(writer)], reader
        version = CHAIN[reader]
        for key, value in document.items():
            if key in version.response_added or key == "updated_at":
                continue
            field = version.domain_name(key)
            assert field is not None, (reader, key)
            assert seen.setdefault(field, value) == value, (reader, key)
    assert {"course_subject_1", "hesa_id", "first_names", "placements"} <= set(seen)


@pytest.mark.parametrize("writer", list(CHAIN))
async def test_an_update_in_any_version_changes_the_renamed_fields(
    chain_client: Any, provider: Any, writer: str
) -> None:
    created = await chain_client.post(
        f"/api/{writer}/trainees", json={"data": body_for(writer)}, headers=provider.headers
    )
    tid = created.json()["data"]["trainee_id"]
    change = {subject_name(writer): "100425", hesa_name(writer): "0310261553102"}
    updated = await chain_client.patch(
        f"/api/{writer}/trainees/{tid}", json={"data": change}, headers=provider.headers
    )
    assert updated.status_code == 200, updated.text
    newest = await chain_client.get(f"/api/v2027.0/trainees/{tid}", headers=provider.headers)
    assert newest.json()["subject_1"] == "100425"
    assert newest.json()["hesa_number"] == "0310261553102"


async def test_the_endpoint_the_newest_version_removed_is_served_by_the_others(
    chain_client: Any, provider: Any
) -> None:
    created = await chain_client.post(
        f"/api/{HEAD.name}/trainees", json={"data": body_for(HEAD.name)}, headers=provider.headers
    )
    tid = created.json()["data"]["trainee_id"]
    path = "/trainees/{}/recommend-for-qts"
    gone = await chain_client.post(f"/api/v2027.0{path.format(tid)}", headers=provider.headers)
    assert gone.status_code == 404
    kept = await chain_client.post(
        f"/api/{HEAD.name}{path.format(tid)}", json={"data": {}}, headers=provider.headers
    )
    assert kept.status_code == 422  # served: the standards-met date is missing


async def test_the_rule_the_newest_version_added_applies_only_there(
    chain_client: Any, provider: Any
) -> None:
    refused = await chain_client.post(
        "/api/v2027.0/trainees",
        json={"data": body_for("v2027.0", email="not an address")},
        headers=provider.headers,
    )
    assert refused.status_code == 422
    accepted = await chain_client.post(
        f"/api/{HEAD.name}/trainees",
        json={"data": body_for(HEAD.name, email="not an address")},
        headers=provider.headers,
    )
    assert accepted.status_code == 201, accepted.text


async def test_the_newest_version_of_the_chain_is_reported_by_info(
    chain_client: Any, provider: Any
) -> None:
    info = await chain_client.get("/api/v2027.0/info", headers=provider.headers)
    assert info.status_code == 200
    assert info.json()["version"]["requested"] == "v2027.0"
