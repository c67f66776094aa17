"""Per-version OpenAPI documents generated from the code, and offline documentation pages."""

from __future__ import annotations

import re

import pytest
import yaml
from openapi_spec_validator import validate

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
