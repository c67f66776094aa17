"""Property-based: whatever JSON value a client puts in whatever field of whatever write
endpoint, date or list parameter, the answer is never a server error and keeps its envelope."""

from __future__ import annotations

from datetime import timedelta, timezone
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.details import DATE_FIELDS
from tests.api.hostile import ALL, ENDPOINTS, Endpoint, valid_body, wire
from tests.api.lifecycle import create
from tests.conftest import new_provider

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NUL_INSIDE = st.builds("{}\u0000{}".format, st.text(max_size=4), st.text(max_size=4))
CONTROLS = st.text(st.characters(max_codepoint=0x9F), min_size=1)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | CONTROLS
    | NUL_INSIDE,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
ACTION_DATES = ("withdrawal_date", "defer_date", "qts_standards_met_date")
OFFSETS = st.timedeltas(min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23))


@pytest.fixture(scope="module")
async def provider_of_module(database) -> Any:
    return await new_provider(database)


async def fresh_target(client, provider) -> dict[str, Any]:
    """A new trainee for one example, so that no earlier example's withdrawal or deferral
    stops a value from reaching the store."""
    created = await create(client, provider)
    return {
        "provider": provider,
        "ids": {
            "tid": created["trainee_id"],
            "pid": created["placements"][0]["placement_id"],
            "did": created["degrees"][0]["degree_id"],
        },
    }


def assert_enveloped(response: Any, endpoint: Endpoint) -> None:
    """A 4xx body in one of the API's envelopes (api.md 7): never a framework error page."""
    assert response.status_code < 500, response.text
    body = response.json()
    if response.status_code < 400:
        assert "data" in body
        return
    assert response.status_code in (400, 404, 409, 422), response.text
    errors = body["errors"]
    if response.status_code == 422 and "message" in body:  # family A (and submission)
        assert endpoint.trainee_family
        assert body["message"].startswith("Validation failed: ")
        assert isinstance(errors, list | dict)
    elif response.status_code == 400:
        assert [type(e) for e in errors] == [str]
    elif errors != ["Param is missing or the value is empty or invalid: data"]:
        assert errors and all(set(e) == {"error", "message"} for e in errors), body


async def send(client, target, endpoint: Endpoint, version: str, data: dict[str, Any]) -> Any:
    return await client.request(
        endpoint.method,
        endpoint.served_path(version, target["ids"]),
        json={"data": wire(version, data)},
        headers=target["provider"].headers,
    )


@PROPERTY
@given(data=st.data(), value=JSON)
async def test_any_json_value_in_any_field_is_answered_in_the_api_envelope(
    client, provider_of_module, data, value
):
    target = await fresh_target(client, provider_of_module)
    version = data.draw(st.sampled_from(ALL), label="version")
    endpoint = data.draw(st.sampled_from(ENDPOINTS), label="endpoint")
    field = data.draw(st.sampled_from(endpoint.fields_in(version)), label="field")
    body = {**valid_body(endpoint, version), field: value}
    assert_enveloped(await send(client, target, endpoint, version, body), endpoint)


@st.composite
def date_texts(draw: st.DrawFn) -> str:
    """A date as a client might write one: ISO, basic, a date-time with any offset, or not."""
    day = draw(st.dates())
    form = draw(st.sampled_from(["iso", "basic", "datetime", "zulu", "garbage"]))
    if form == "iso":
        return day.isoformat()
    if form == "basic":
        return day.strftime("%Y%m%d").zfill(8)
    if form == "zulu":
        return day.isoformat() + "T23:59:59Z"
    if form == "datetime":
        offset = timezone(draw(OFFSETS))
        return draw(st.datetimes(timezones=st.just(offset))).isoformat()
    return draw(st.sampled_from(["10000-01-01", "-0001-01-01", "0000-00-00", "2024-02-30"]))


DATED = [e for e in ENDPOINTS if any(f in DATE_FIELDS or f in ACTION_DATES for f in e.fields)]


@PROPERTY
@given(data=st.data(), text=date_texts())
async def test_any_date_at_any_end_of_the_calendar_is_answered_not_raised(
    client, provider_of_module, data, text
):
    target = await fresh_target(client, provider_of_module)
    version = data.draw(st.sampled_from(ALL), label="version")
    endpoint = data.draw(st.sampled_from(DATED), label="endpoint")
    dates = [f for f in endpoint.fields_in(version) if f in DATE_FIELDS or f in ACTION_DATES]
    field = data.draw(st.sampled_from(dates), label="field")
    body = {**valid_body(endpoint, version), field: text}
    assert_enveloped(await send(client, target, endpoint, version, body), endpoint)


PARAMETER_TEXT = (
    st.integers().map(str)
    | st.text(max_size=30)
    | date_texts()
    | st.sampled_from(["9223372036854775807", "9223372036854775808", "-9223372036854775809"])
)


@PROPERTY
@given(
    version=st.sampled_from(ALL),
    params=st.dictionaries(
        st.sampled_from(
            ["page", "per_page", "since", "academic_cycle", "status", "has_trn", "sort_order"]
        ),
        PARAMETER_TEXT,
        min_size=1,
    ),
)
async def test_any_list_parameters_are_answered_not_raised(
    client, provider_of_module, version, params
):
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in params.items())
    response = await client.get(
        f"/api/{version}/trainees?{query}", headers=provider_of_module.headers
    )
    assert response.status_code in (200, 404, 422), response.text
    body = response.json()
    if response.status_code == 422:
        assert body["message"].startswith("Validation failed: ")
        assert set(body["errors"]) <= set(params)
    if response.status_code == 404:
        assert body == {"errors": [{"error": "NotFound", "message": "No trainees found"}]}


@PROPERTY
@given(data=st.data())
async def test_any_json_values_in_many_fields_at_once_are_answered_in_the_api_envelope(
    client, provider_of_module, data
):
    target = await fresh_target(client, provider_of_module)
    version = data.draw(st.sampled_from(ALL), label="version")
    endpoint = data.draw(st.sampled_from(ENDPOINTS), label="endpoint")
    fields = st.sampled_from(endpoint.fields_in(version))
    changes = data.draw(st.dictionaries(fields, JSON, min_size=1, max_size=6), label="changes")
    body = {**valid_body(endpoint, version), **changes}
    assert_enveloped(await send(client, target, endpoint, version, body), endpoint)
