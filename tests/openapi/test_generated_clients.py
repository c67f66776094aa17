"""A provider's workflow through a client generated from each version's own OpenAPI document:
every answer comes back as the model the document declares, errors included."""

from __future__ import annotations

import asyncio
import datetime
from pathlib import Path
from typing import Any

import pytest

from domain.details import DATE_FIELDS, INTEGER_FIELDS
from service.clock import today
from service.database import Database
from service.versions import VERSIONS
from tests.bodies import cycle_dates, trainee
from tests.conftest import new_provider
from tests.openapi.conftest import LiveApi
from tests.openapi.generated import GeneratedClient, generate

CASES = ["v0.1", "v1.0-pre", "v2025.0", "v2026.0", "v2026.1"]


@pytest.fixture(scope="session")
def clients(live_api: LiveApi, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    into: Path = tmp_path_factory.mktemp("generated")
    return {version: generate(live_api.url, version, into) for version in CASES}


class Workflow:
    """One version's generated client, used as its models and functions ask."""

    def __init__(self, generated: GeneratedClient, version: str, url: str, token: str) -> None:
        self.g, self.version = generated, VERSIONS[version]
        self.api_version = generated.model("ApiVersion")(version)
        self.client = generated.client(url, token)

    def wire(self, canonical: str) -> str:
        return self.version.wire_name(canonical)

    def call(self, operation: str, *args: Any, client: Any = None, **kwargs: Any) -> Any:
        module = self.g.api(operation)
        return module.sync_detailed(self.api_version, *args, client=client or self.client, **kwargs)

    def new_trainee(self, **overrides: Any) -> Any:
        """A create body built from the generated models (typed dates, integers, nested items)."""
        sent = trainee(**overrides)
        placements = [
            self.g.model("PlacementAttributes")(**p) for p in sent.pop("placements_attributes")
        ]
        degrees = [
            self.g.model("DegreeAttributes")(**{**d, "graduation_year": int(d["graduation_year"])})
            for d in sent.pop("degrees_attributes")
        ]
        disabilities = {k: sent.pop(k) for k in list(sent) if k.startswith("disability")}
        fields = {self.wire(k): typed(k, v) for k, v in sent.items()}
        data = self.g.model("TraineeCreate")(
            **fields, placements_attributes=placements, degrees_attributes=degrees
        )
        data.additional_properties.update(disabilities)
        return self.g.model("TraineeCreateRequest")(data=data)


def typed(name: str, value: Any) -> Any:
    if name in DATE_FIELDS:
        return datetime.date.fromisoformat(value)
    return int(value) if name in INTEGER_FIELDS else value


@pytest.mark.parametrize("version", CASES)
def test_a_providers_workflow_through_the_generated_client(
    clients: dict[str, GeneratedClient], live_api: LiveApi, database: Database, version: str
) -> None:
    provider = asyncio.run(new_provider(database))  # its own: the fuzz writes to the other
    flow = Workflow(clients[version], version, live_api.url, provider.token)
    model = flow.g.model
    surname = "Client" + version.replace(".", "").replace("-", "")

    body = flow.new_trainee(last_name=surname)
    created = flow.call("create_trainee", body=body, idempotency_key=f"create-{surname}")
    assert created.status_code == 201, created.content
    retried = flow.call("create_trainee", body=body, idempotency_key=f"create-{surname}")
    assert retried.status_code == 201
    assert retried.headers["idempotent-replayed"] == "true"
    assert retried.parsed.data.trainee_id == created.parsed.data.trainee_id
    assert isinstance(created.parsed, model("TraineeResponse"))
    record = created.parsed.data
    assert isinstance(record, model("Trainee"))
    assert isinstance(record.itt_start_date, datetime.date)
    assert isinstance(record.created_at, datetime.datetime)
    assert isinstance(record.placements[0], model("Placement"))
    assert isinstance(record.degrees[0], model("Degree"))
    assert record.degrees[0].graduation_year == 2003
    tid = record.trainee_id

    shown = flow.call("show_trainee", tid)
    assert isinstance(shown.parsed, model("Trainee"))
    assert shown.parsed.last_name == surname
    etag = shown.headers["etag"]

    start, _ = cycle_dates()
    listed = flow.call(
        "list_trainees",
        academic_cycle=int(start[:4]),
        status=[model("ListTraineesStatusItem")("in_training")],
        has_trn=False,
        since=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1),
        sort_order=model("ListTraineesSortOrder")("asc"),
        per_page=100,
    )
    assert isinstance(listed.parsed, model("TraineeList")), listed.content
    assert tid in [t.trainee_id for t in listed.parsed.data]
    assert isinstance(listed.parsed.meta, model("PageMeta"))
    outside = flow.call("list_trainees", academic_cycle=int(start[:4]) - 1)
    assert isinstance(outside.parsed, model("ErrorList"))  # 404: none in the previous cycle
    assert outside.parsed.errors[0].error == "NotFound"

    update = model("TraineeUpdateRequest")(data=model("TraineeUpdate")(middle_names="Quinn"))
    patched = flow.call("update_trainee", tid, body=update, if_match=etag)
    assert patched.status_code == 200, patched.content
    assert isinstance(patched.parsed, model("TraineeResponse"))
    assert patched.parsed.data.middle_names == "Quinn"
    assert patched.headers["etag"] != etag

    stale = flow.call("update_trainee", tid, body=update, if_match=etag)
    assert stale.status_code == 409
    assert isinstance(stale.parsed, model("ErrorList"))
    assert stale.parsed.errors[0].error == "Conflict"

    duplicate = flow.call("create_trainee", body=flow.new_trainee(last_name=surname))
    assert duplicate.status_code == 409
    assert isinstance(duplicate.parsed, model("DuplicateTrainee"))
    assert [t.trainee_id for t in duplicate.parsed.data] == [tid]

    blank = model("TraineeUpdateRequest")(data=model("TraineeUpdate")(sex=""))
    refused = flow.call("update_trainee", tid, body=blank)
    assert refused.status_code == 422
    assert isinstance(refused.parsed, model("TraineeErrors"))
    assert any("sex" in m.lower() for m in refused.parsed.errors)

    missing = flow.call("show_trainee", "no-such-trainee")
    assert missing.status_code == 404
    assert isinstance(missing.parsed, model("ErrorList"))
    assert missing.parsed.errors[0].message == "Trainee(s) not found"

    stranger = flow.g.client(live_api.url, "not-a-token")
    unauthorised = flow.call("show_trainee", tid, client=stranger)
    assert unauthorised.status_code == 401
    assert isinstance(unauthorised.parsed, model("Unauthorized"))
    assert unauthorised.parsed.error == "Unauthorized"

    placements = flow.call("list_placements", tid)
    assert isinstance(placements.parsed, model("PlacementList"))
    assert [p.placement_id for p in placements.parsed.data] == [
        p.placement_id for p in record.placements
    ]
    first = trainee()["degrees_attributes"][0]
    same = model("DegreeAttributes")(**{**first, "graduation_year": int(first["graduation_year"])})
    twice = flow.call("add_degree", tid, body=model("DegreeRequest")(data=same))
    assert twice.status_code == 409
    assert isinstance(twice.parsed, model("DuplicateDegree"))
    assert twice.parsed.data[0].degree_id == record.degrees[0].degree_id

    deferral = model("Defer")(defer_date=today(), defer_reason="A family matter")
    deferred = flow.call("defer", tid, body=model("DeferRequest")(data=deferral))
    assert deferred.status_code == 200, deferred.content
    assert deferred.parsed.data.state == "deferred"
    assert deferred.parsed.data.defer_date == today()

    late = model("Defer")(defer_date=today())
    again = flow.call("defer", tid, body=model("DeferRequest")(data=late))
    assert again.status_code == 422
    assert isinstance(again.parsed, model("ErrorList"))
    assert again.parsed.errors[0].error == "UnprocessableEntity"

    withdrawal = model("Withdraw")(
        **{
            flow.wire("withdrawal_date"): record.itt_start_date,
            "trigger": model("WithdrawTrigger")("provider"),
            "reasons": ["record_added_in_error"],
            "future_interest": model("WithdrawFutureInterest")("no"),
        }
    )
    withdrawn = flow.call("withdraw", tid, body=model("WithdrawRequest")(data=withdrawal))
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.parsed.data.state == "withdrawn"
    assert getattr(withdrawn.parsed.data, flow.wire("withdrawal_date")) == record.itt_start_date
