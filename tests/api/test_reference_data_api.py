"""GET /api/{version}/reference-data (api.md 2.4): no authentication, whole or one field."""

from __future__ import annotations

import pytest

from domain.reference.payload import FIELDS

URL = "/api/v2026.1/reference-data"


async def test_the_whole_payload_needs_no_token(client):
    response = await client.get(URL)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert list(response.json()) == list(FIELDS)


async def test_one_field_is_answered_unwrapped_with_the_locale_labels(client):
    response = await client.get(URL, params={"field": "sex"})
    assert response.json() == {
        "metadata": {"name": "sex", "display_name": "Sex", "description": ""},
        "entries": [
            {"code": "10", "display_name": "Female", "start_year": None, "end_year": None},
            {"code": "11", "display_name": "Male", "start_year": None, "end_year": None},
            {"code": "12", "display_name": "Other", "start_year": None, "end_year": None},
            {
                "code": "96",
                "display_name": "Information refused",
                "start_year": None,
                "end_year": None,
            },
            {"code": "99", "display_name": "Not available", "start_year": None, "end_year": None},
        ],
    }


async def test_a_field_with_several_codes_per_value_lists_each_code(client):
    codes = [e["code"] for e in (await client.get(URL + "?field=study_mode")).json()["entries"]]
    assert codes == ["01", "02", "31", "63", "64"]


async def test_withdrawal_reasons_list_provider_reasons_first(client):
    body = (await client.get(URL + "?field=withdrawal_reasons")).json()
    assert body["triggers"] == ["provider", "trainee"]
    assert body["future_interest"] == ["yes", "no", "unknown"]
    triggers = [entry["trigger"] for entry in body["entries"]]
    assert triggers == sorted(triggers, key=["provider", "trainee"].index)


async def test_an_empty_field_is_the_whole_payload(client):
    whole = await client.get(URL)
    assert (await client.get(URL + "?field=")).content == whole.content


async def test_an_unknown_field_is_not_found(client):
    response = await client.get(URL, params={"field": "colour"})
    assert response.status_code == 404
    assert response.json() == {
        "errors": [{"error": "NotFound", "message": "Reference data field 'colour' not found"}]
    }


@pytest.mark.parametrize("version", ["v2026.0", "v2025.0", "v1.0-pre", "v0.1"])
async def test_an_older_version_has_no_reference_data(client, version):
    response = await client.get(f"/api/{version}/reference-data")
    assert response.status_code == 404
    assert response.json() == {
        "errors": [
            {
                "error": "NotFound",
                "message": (f"Reference data is not available for version '{version}'"),
            }
        ]
    }


async def test_an_unknown_version_is_the_json_not_found(client):
    response = await client.get("/api/v9.9/reference-data")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"error": "NotFound", "message": "Not found"}]}


async def test_a_segment_that_is_no_version_is_a_plain_not_found(client):
    response = await client.get("/api/latest/reference-data")
    assert response.status_code == 404
    assert "errors" not in response.json()


async def test_other_methods_need_a_token_then_are_not_found(client, provider):
    assert (await client.post(URL)).status_code == 401
    response = await client.post(URL, headers=provider.headers)
    assert response.json() == {"errors": [{"error": "NotFound", "message": "Not found"}]}
