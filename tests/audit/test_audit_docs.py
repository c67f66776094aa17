"""The audit API's own OpenAPI document and page, and every answer held to its types."""

from __future__ import annotations

import msgspec
import yaml

from service.audit import schema
from service.audit.openapi import ANSWERS
from tests.api.lifecycle import create, port

A = "/audit/v1"


async def test_the_audit_api_documents_itself_without_a_token(client) -> None:
    doc = (await client.get(f"{A}/openapi.json")).json()
    assert doc["openapi"] == "3.1.0"
    assert set(doc["paths"]) == {
        "/audit/v1/events",
        "/audit/v1/trainees/{trainee_id}",
        "/audit/v1/trainees/{trainee_id}/events",
        "/audit/v1/verify",
    }
    state = doc["paths"]["/audit/v1/trainees/{trainee_id}"]["get"]
    assert {p["name"] for p in state["parameters"]} == {
        "trainee_id",
        "as_of",
        "sequence",
        "vocabulary",
    }
    assert "AuditEvent" in doc["components"]["schemas"]
    assert "from" in doc["components"]["schemas"]["Change"]["properties"]
    assert yaml.safe_load((await client.get(f"{A}/openapi.yaml")).text) == doc
    page = await client.get(f"{A}/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "/audit/v1/trainees/{trainee_id}/events" in page.text and "<script" not in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing to fetch


async def test_every_answer_is_what_the_document_declares(client, provider, auditor) -> None:
    tid = (await create(client, provider))["trainee_id"]
    port(client).trn_received(tid, "1112223")
    answers = {
        "trainee_events": await client.get(f"{A}/trainees/{tid}/events", headers=auditor.headers),
        "trainee_state": await client.get(
            f"{A}/trainees/{tid}?sequence=1", headers=auditor.headers
        ),
        "trail_events": await client.get(f"{A}/events", headers=auditor.headers),
        "verify_trainee": await client.get(f"{A}/verify?trainee_id={tid}", headers=auditor.headers),
    }
    for name, answer in answers.items():
        assert answer.status_code == 200, name
        msgspec.json.decode(answer.content, type=ANSWERS[name])  # strict: no undeclared field
    refused = await client.get(f"{A}/trainees/{tid}?vocabulary=v0", headers=auditor.headers)
    msgspec.json.decode(refused.content, type=schema.Errors)
