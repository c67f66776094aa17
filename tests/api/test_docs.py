"""Per-version OpenAPI documents generated from the code, and offline documentation pages."""

from __future__ import annotations

import html
import re

import pytest
import yaml
from openapi_spec_validator import validate

from domain.reference import reference_data_payload
from service.versions import VERSIONS

ALL = ["v0.1", "v1.0-pre", "v2025.0", "v2026.0", "v2026.1"]
TRAINEE = "/api/{api_version}/trainees/{trainee_id}"


@pytest.mark.parametrize("version", ALL)
async def test_each_version_has_a_valid_openapi_document(client, version):
    response = await client.get(f"/api-docs/{version}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["info"]["version"] == version
    assert f"{TRAINEE}/withdraw" in document["paths"]


async def test_the_yaml_document_equals_the_json_one(client):
    as_json = (await client.get("/api-docs/v2025.0/openapi.json")).json()
    as_yaml = yaml.safe_load((await client.get("/api-docs/v2025.0/openapi.yaml")).text)
    assert as_yaml == as_json


def trainee_fields(document):
    schema = document["paths"][TRAINEE]["get"]["responses"]["200"]["content"]
    return set(schema["application/json"]["schema"]["properties"])


async def test_each_document_speaks_its_versions_vocabulary(client):
    head = (await client.get("/api-docs/v2026.1/openapi.json")).json()
    old = (await client.get("/api-docs/v2025.0/openapi.json")).json()
    oldest = (await client.get("/api-docs/v0.1/openapi.json")).json()
    assert {"course_subject_1", "training_partner_urn", "iqts_country"} <= trainee_fields(head)
    assert {"course_subject_one", "lead_partner_urn", "withdraw_date"} <= trainee_fields(old)
    assert "iqts_country" not in trainee_fields(old)
    assert {"expected_end_date", "bursary_level", "hesa_disabilities"} <= trainee_fields(oldest)
    body = old["paths"][f"{TRAINEE}/withdraw"]["post"]["requestBody"]["content"]
    assert "withdraw_date" in body["application/json"]["schema"]["properties"]["data"]["properties"]


async def test_endpoints_appear_only_in_the_versions_that_have_them(client):
    head = (await client.get("/api-docs/v2026.1/openapi.json")).json()
    pre = (await client.get("/api-docs/v1.0-pre/openapi.json")).json()
    assert f"{TRAINEE}/update-qts-or-eyts-status" in head["paths"]
    assert f"{TRAINEE}/update-qts-or-eyts-status" not in pre["paths"]
    assert f"{TRAINEE}/recommend-for-qts" in pre["paths"]


@pytest.mark.parametrize("version", ALL)
async def test_the_documentation_page_works_offline(client, version):
    response = await client.get(f"/api-docs/{version}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert f"API {version}" in page and "/trainees/{trainee_id}/placements" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


async def test_an_unknown_version_has_no_documentation(client):
    response = await client.get("/api-docs/v9.9/openapi.json")
    assert response.status_code == 404


CREATE = "/api/{api_version}/trainees"


@pytest.mark.parametrize("version", ALL)
async def test_each_pages_example_create_is_accepted_and_answered_as_shown(
    client, provider, version
):
    from service.docs.operations import request_body, response_body

    body = request_body(VERSIONS[version], CREATE, "post")
    created = await client.post(
        f"/api/{version}/trainees", json={"data": body}, headers=provider.headers
    )
    assert created.status_code == 201, created.text
    shown = response_body(VERSIONS[version], CREATE, "post")["data"]
    answered = created.json()["data"]
    assert set(answered) == set(shown)
    assert {k: answered[k] for k in ("first_names", "sex", "training_route")} == {
        k: shown[k] for k in ("first_names", "sex", "training_route")
    }
    slug = answered["trainee_id"]
    defer = request_body(VERSIONS[version], f"{CREATE}/{{trainee_id}}/defer", "post")
    deferred = await client.post(
        f"/api/{version}/trainees/{slug}/defer", json={"data": defer}, headers=provider.headers
    )
    assert deferred.status_code == 200, deferred.text
    assert deferred.json()["data"]["state"] == "deferred"


@pytest.mark.parametrize("version", ALL)
async def test_each_page_gives_the_create_fields_in_its_versions_names(client, version):
    page = (await client.get(f"/api-docs/{version}")).text
    for name in ("first_names", "last_name", "date_of_birth", "training_route"):
        row = re.search(rf'<tr id="post_trainees-{name}">.*?</tr>', page)
        assert row is not None and "required" in row.group(0), name
    old_name = VERSIONS[version].wire_name("course_subject_1")
    assert f'id="post_trainees-{old_name}"' in page
    assert 'href="/api-docs/reference-data#course_subject"' in page


async def test_a_message_on_a_page_is_worded_as_that_version_words_it(client):
    head = html.unescape((await client.get("/api-docs/v2026.1")).text)
    oldest = html.unescape((await client.get("/api-docs/v0.1")).text)
    assert "first_names can't be blank" in head and "First names can't be blank" not in head
    assert "First names can't be blank" in oldest
    assert "withdrawal_date Choose a withdrawal date" in head
    assert "It’s not possible to perform this action" in head
    assert "Validation failed: 3 errors prohibited this trainee from being saved" in head


async def test_the_reference_data_page_lists_every_code_of_every_list(client):
    page = (await client.get("/api-docs/reference-data")).text
    payload = reference_data_payload()
    assert payload is not None
    for name, listed in payload.items():
        assert f"<h2 id={name}>" in page
        for entry in listed["entries"]:
            assert f"<td class=f>{html.escape(str(entry['code']))}</td>" in page
