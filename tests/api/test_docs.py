"""Per-version OpenAPI documents generated from the code, and offline documentation pages."""

from __future__ import annotations

import html
import re

import msgspec
import pytest
import yaml
from openapi_spec_validator import validate

from domain.reference import reference_data_payload
from service.openapi import openapi, resolve
from service.versions import VERSIONS

ALL = ["v0.1", "v1.0-pre", "v2025.0", "v2026.0", "v2026.1"]
TRAINEE = "/api/{api_version}/trainees/{trainee_id}"
API_VERSION = {"$ref": "#/components/parameters/api_version"}


@pytest.mark.parametrize("version", ALL)
async def test_each_version_has_a_valid_openapi_document(client, version):
    response = await client.get(f"/api-docs/{version}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["info"]["version"] == version
    assert f"{TRAINEE}/withdraw" in document["paths"]


@pytest.mark.parametrize("version", ALL)
async def test_the_served_document_is_the_generated_one(client, version):
    served = (await client.get(f"/api-docs/{version}/openapi.json")).json()
    assert served == msgspec.json.decode(msgspec.json.encode(openapi(version)))


async def test_the_yaml_document_equals_the_json_one(client):
    as_json = (await client.get("/api-docs/v2025.0/openapi.json")).json()
    as_yaml = yaml.safe_load((await client.get("/api-docs/v2025.0/openapi.yaml")).text)
    assert as_yaml == as_json


def trainee_fields(document):
    schema = document["paths"][TRAINEE]["get"]["responses"]["200"]["content"]
    return set(resolve(document, schema["application/json"]["schema"])["properties"])


def request_fields(document, path, method="post"):
    body = document["paths"][path][method]["requestBody"]["content"]["application/json"]
    data = resolve(document, body["schema"])["properties"]["data"]
    return resolve(document, data)


async def test_each_document_speaks_its_versions_vocabulary(client):
    head = (await client.get("/api-docs/v2026.1/openapi.json")).json()
    old = (await client.get("/api-docs/v2025.0/openapi.json")).json()
    oldest = (await client.get("/api-docs/v0.1/openapi.json")).json()
    assert {"course_subject_1", "training_partner_urn", "iqts_country"} <= trainee_fields(head)
    assert {"course_subject_one", "lead_partner_urn", "withdraw_date"} <= trainee_fields(old)
    assert "iqts_country" not in trainee_fields(old)
    assert {"expected_end_date", "bursary_level", "hesa_disabilities"} <= trainee_fields(oldest)
    assert "withdraw_date" in request_fields(old, f"{TRAINEE}/withdraw")["properties"]


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
        row = re.search(rf'<tr id="create_trainee-{name}">.*?</tr>', page)
        assert row is not None and "required" in row.group(0), name
    old_name = VERSIONS[version].wire_name("course_subject_1")
    assert f'id="create_trainee-{old_name}"' in page
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


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


@pytest.mark.parametrize("version", ALL)
async def test_every_operation_declares_its_errors_with_named_schemas(client, version):
    document = (await client.get(f"/api-docs/{version}/openapi.json")).json()
    schemas = document["components"]["schemas"]
    for path, method, operation in operations(document):
        responses = operation["responses"]
        assert {"429", "503"} <= set(responses), (method, path)
        if not path.endswith("/reference-data"):
            assert responses["401"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Unauthorized"
            }
        if "requestBody" in operation:
            assert operation["requestBody"]["required"] is True
            assert {"400", "413", "422"} <= set(responses), (method, path)
        for status, answer in responses.items():
            for content in answer["content"].values():
                schema = content["schema"]
                refs = [s["$ref"] for s in schema.get("anyOf", [schema]) if "$ref" in s]
                assert refs or status == "429", (method, path, status)
                assert all(r.rsplit("/", 1)[-1] in schemas for r in refs)
    update = document["paths"][TRAINEE]["patch"]["responses"]
    assert {"404", "409", "412", "422"} <= set(update)
    created = document["paths"]["/api/{api_version}/trainees"]["post"]["responses"]
    assert created["409"]["content"]["application/json"]["schema"]["anyOf"][0] == {
        "$ref": "#/components/schemas/DuplicateTrainee"
    }


async def test_the_trainee_list_declares_every_filter(client):
    document = (await client.get("/api-docs/v2026.1/openapi.json")).json()
    listing = document["paths"]["/api/{api_version}/trainees"]["get"]
    query = {p["name"]: p["schema"] for p in listing["parameters"] if p.get("in") == "query"}
    assert set(query) == {
        "page",
        "per_page",
        "status",
        "since",
        "academic_cycle",
        "has_trn",
        "sort_order",
    }
    assert query["status"]["items"]["enum"] == [
        "course_not_yet_started",
        "in_training",
        "deferred",
        "withdrawn",
        "awarded",
    ]
    assert query["since"]["format"] == "date-time"
    assert query["has_trn"]["type"] == "boolean"
    assert query["academic_cycle"]["type"] == "integer"
    assert query["sort_order"]["enum"] == ["asc", "desc"]
    assert set(listing["responses"]) >= {"200", "401", "404", "422"}


async def test_only_reference_data_needs_no_token(client, provider):
    document = (await client.get("/api-docs/v2026.1/openapi.json")).json()
    public = [
        (path, method)
        for path, method, operation in operations(document)
        if operation["security"] == []
    ]
    assert public == [("/api/{api_version}/reference-data", "get")]
    reference = document["paths"]["/api/{api_version}/reference-data"]["get"]
    assert "401" not in reference["responses"]
    field = [p for p in reference["parameters"] if p.get("name") == "field"]
    assert "sex" in field[0]["schema"]["enum"]
    # what the code does: reference data answers without a token, /info does not
    assert (await client.get("/api/v2026.1/reference-data?field=sex")).status_code == 200
    assert (await client.get("/api/v2026.1/info")).status_code == 401


def enums(node):
    if isinstance(node, dict):
        if "enum" in node:
            yield node["enum"]
        for value in node.values():
            yield from enums(value)
    elif isinstance(node, list):
        for value in node:
            yield from enums(value)


@pytest.mark.parametrize("version", ALL)
async def test_resources_are_named_once_and_referenced(client, version):
    document = (await client.get(f"/api-docs/{version}/openapi.json")).json()
    schemas = document["components"]["schemas"]
    assert {"Trainee", "Placement", "Degree", "ApiVersion"} <= set(schemas)
    assert schemas["ApiVersion"]["enum"] == [version]
    assert sum(1 for enum in enums(document) if enum == [version]) == 1
    for path, method, operation in operations(document):
        assert operation["parameters"][0] == API_VERSION, (method, path)
    trainee = schemas["Trainee"]["properties"]
    assert trainee["placements"]["items"] == {"$ref": "#/components/schemas/Placement"}
    assert {"type": "string", "format": "date"} in trainee["itt_start_date"]["anyOf"]
    assert trainee["created_at"] == {"type": "string", "format": "date-time"}
    assert schemas["Degree"]["properties"]["graduation_year"]["anyOf"][0] == {"type": "integer"}


async def test_request_bodies_declare_what_the_service_requires(client):
    head = (await client.get("/api-docs/v2026.1/openapi.json")).json()
    old = (await client.get("/api-docs/v2025.0/openapi.json")).json()
    create = request_fields(head, "/api/{api_version}/trainees")
    assert {"first_names", "last_name", "date_of_birth", "course_subject_1"} <= set(
        create["required"]
    )
    assert "study_mode" not in create["required"]  # assessment-only routes may leave it out
    assert "course_subject_one" in request_fields(old, "/api/{api_version}/trainees")["required"]
    assert "study_mode" in request_fields(old, "/api/{api_version}/trainees")["required"]
    assert create["properties"]["date_of_birth"] == {"type": "string", "format": "date"}
    withdraw = request_fields(head, f"{TRAINEE}/withdraw")
    assert set(withdraw["required"]) == {"withdrawal_date", "trigger", "reasons", "future_interest"}


async def test_etag_if_match_idempotency_and_rate_limit_headers_are_declared(client):
    document = (await client.get("/api-docs/v2026.1/openapi.json")).json()
    for path, method, operation in operations(document):
        keyed = {"$ref": "#/components/parameters/Idempotency-Key"} in operation["parameters"]
        assert keyed == (method != "get"), (method, path)
        for answer in operation["responses"].values():
            assert "RateLimit-Policy" in answer["headers"], (method, path)
    shown = document["paths"][TRAINEE]["get"]["responses"]["200"]
    assert shown["headers"]["ETag"] == {"$ref": "#/components/headers/ETag"}
    patch = document["paths"][TRAINEE]["patch"]
    assert {"$ref": "#/components/parameters/If-Match"} in patch["parameters"]
    assert document["components"]["parameters"]["If-Match"]["in"] == "header"
