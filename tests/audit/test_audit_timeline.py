"""Each audit entry says exactly what changed between the trainee before and after its event,
in every vocabulary, for every kind of event: the timeline compares only what an event
changed, and this holds it to whole documents of the trainee replayed to each version."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.trainee import trainee_uuid
from domain.values import Actor
from projections.documents import trainee_document
from service import lifecycle
from service.audit.changes import changes
from service.audit.timeline import erased_document
from service.versions import VERSIONS
from tests.api.lifecycle import V, act, create, port
from tests.api.test_erasure import erased_trainee
from tests.api.test_placements_and_degrees import DEGREE
from tests.api.test_versions import ALL

A = "/audit/v1"
OPERATOR = Actor(source="cli", operator="test-operator")


async def _patch(client: Any, provider: Any, tid: str, **data: Any) -> None:
    patched = await client.patch(
        f"{V}/trainees/{tid}", json={"data": data}, headers=provider.headers
    )
    assert patched.status_code == 200, patched.text


async def _every_kind_of_event(client: Any, provider: Any) -> str:
    """A trainee whose stream holds every event the API and the operators record."""
    t = await create(client, provider, disability1="58")
    tid, start = t["trainee_id"], date.fromisoformat(t["itt_start_date"])
    register, url = client.app.state.register, f"{V}/trainees/{t['trainee_id']}"
    port(client).trn_received(tid, "7654321")
    await _patch(client, provider, tid, email="ann@example.com", disability2="51")  # one more
    await _patch(client, provider, tid, first_names="Ann", disability2=None)  # one fewer
    await _patch(client, provider, tid, training_route="11")  # a member made from another
    await _patch(client, provider, tid, hesa_id="0310261553102")  # one of the last fields
    added = await client.post(
        f"{url}/placements", json={"data": {"urn": "100001", "name": "Hill"}},
        headers=provider.headers,
    )  # fmt: skip
    assert added.status_code == 201, added.text
    placement = added.json()["data"]["placement_id"]
    degree = await client.post(f"{url}/degrees", json={"data": DEGREE}, headers=provider.headers)
    assert degree.status_code == 201, degree.text
    assert (await act(client, provider, tid, "defer", defer_date=str(start))).status_code == 200
    lifecycle.reinstate(register, slug=tid, on=start + timedelta(days=3), actor=OPERATOR)
    removed = await client.delete(f"{url}/placements/{placement}", headers=provider.headers)
    assert removed.status_code == 200, removed.text
    gone = await client.delete(
        f"{url}/degrees/{degree.json()['data']['degree_id']}", headers=provider.headers
    )
    assert gone.status_code == 200, gone.text
    withdrawn = await act(
        client, provider, tid, "withdraw", withdrawal_date=str(start), trigger="provider",
        reasons=["record_added_in_error"], future_interest="no",
    )  # fmt: skip
    assert withdrawn.status_code == 200, withdrawn.text
    lifecycle.undo_withdrawal(register, slug=tid, comment="in error", ticket=None, actor=OPERATOR)
    recommended = await act(
        client, provider, tid, "update-qts-or-eyts-status", qts_standards_met_date=str(start)
    )
    assert recommended.status_code == 202, recommended.text
    port(client).awarded(tid, None)
    return tid


def _replayed(client: Any, tid: str) -> list[dict[str, Any]]:
    """The trainee's document after each of its events, each from the trainee replayed by
    the write side to that version."""
    register = client.app.state.register
    register.keyring.forget(trainee_uuid(tid))  # its key as stored now: destroyed if erased
    last = register.get_trainee(trainee_uuid(tid))
    documents = []
    for n in range(1, last.version + 1):
        document = trainee_document(register.repository.get(last.id, version=n))
        documents.append(erased_document(document) if last.erasure else document)
    return documents


async def _check_entries_against_documents(client: Any, auditor: Any, tid: str) -> int:
    """Every entry of every vocabulary, and the state after it, against the documents."""
    replayed, checked = _replayed(client, tid), 0
    for name in ALL:
        version = VERSIONS[name]
        got = await client.get(
            f"{A}/trainees/{tid}/events?vocabulary={name}", headers=auditor.headers
        )
        assert got.status_code == 200, got.text
        assert [e["sequence"] for e in got.json()["data"]] == list(range(1, len(replayed) + 1))
        before: dict[str, Any] = {}
        for entry, document in zip(got.json()["data"], replayed, strict=True):
            after = version.render(document)
            expected = changes(before, after, version)
            assert entry["changes"] == expected, (name, entry["sequence"], entry["event"])
            assert list(entry["changes"]) == list(expected)  # in the document's order too
            at = await client.get(
                f"{A}/trainees/{tid}?vocabulary={name}&sequence={entry['sequence']}",
                headers=auditor.headers,
            )
            assert at.json()["data"] == after, (name, entry["sequence"])
            before, checked = after, checked + 1
    return checked


async def test_each_entry_is_the_difference_of_the_documents_around_it(
    client, provider, auditor
) -> None:
    tid = await _every_kind_of_event(client, provider)
    events = await client.get(f"{A}/trainees/{tid}/events", headers=auditor.headers)
    kinds = {e["event"] for e in events.json()["data"]}
    assert kinds >= {
        "Registered", "SubmittedForTrn", "TrnReceived", "DetailsChanged", "PlacementAdded",
        "DegreeAdded", "Deferred", "Reinstated", "PlacementRemoved", "DegreeRemoved",
        "Withdrawn", "WithdrawalUndone", "RecommendedForAward", "Awarded",
    }  # fmt: skip
    changed = {n: e["changes"] for n, e in enumerate(events.json()["data"])}
    assert any("disability2" in c for c in changed.values())  # a member came and went
    assert any("course_level" in c for c in changed.values())  # made from the route
    assert await _check_entries_against_documents(client, auditor, tid) == len(ALL) * len(changed)


async def test_an_erased_trainees_entries_are_the_difference_of_its_erased_documents(
    client, provider, auditor, database
) -> None:
    tid = await erased_trainee(client, provider, database)
    await _check_entries_against_documents(client, auditor, tid)
    events = await client.get(f"{A}/trainees/{tid}/events", headers=auditor.headers)
    first = events.json()["data"][0]["changes"]
    assert first["first_names"] == {"from": None, "to": "erased"}
