"""Withdraw, defer and recommend in v2026.1: bodies, rules, messages and effects (api.md 5)."""

from __future__ import annotations

from datetime import timedelta

from service.clock import today
from tests.api.lifecycle import WITHDRAWAL, V, act, create, in_state, port


def messages(response):
    return [e["message"] for e in response.json()["errors"]]


async def withdraw(client, provider, t, **fields):
    body = {**WITHDRAWAL, "withdrawal_date": t["itt_start_date"], **fields}
    return await act(
        client,
        provider,
        t["trainee_id"],
        "withdraw",
        **{k: v for k, v in body.items() if v is not ...},
    )


async def test_withdrawing_records_every_detail(client, provider):
    t = await create(client, provider)
    response = await withdraw(
        client,
        provider,
        t,
        trigger="trainee",
        future_interest="yes",
        reasons=["trainee_chose_to_withdraw_another_reason"],
        another_reason="Moved abroad",
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["state"] == "withdrawn"
    assert (data["withdrawal_date"], data["withdrawal_trigger"]) == (t["itt_start_date"], "trainee")
    assert data["withdrawal_reasons"] == ["trainee_chose_to_withdraw_another_reason"]
    assert (data["withdrawal_future_interest"], data["withdrawal_another_reason"]) == (
        "yes",
        "Moved abroad",
    )


async def test_a_trainee_without_withdrawal_has_null_withdrawal_reasons(client, provider):
    t = await create(client, provider)
    assert t["withdrawal_reasons"] is None


async def test_withdrawal_fields_are_all_checked_together(client, provider):
    t = await create(client, provider)
    response = await withdraw(
        client,
        provider,
        t,
        withdrawal_date=...,
        trigger="someone",
        future_interest="maybe",
        reasons=[],
    )
    assert response.status_code == 422
    assert messages(response) == [
        "withdrawal_date Choose a withdrawal date",
        "trigger is not included in the list",
        "future_interest is not included in the list",
        "reasons Choose one or more reasons why the trainee withdrew from the course",
    ]


async def test_a_withdrawal_date_must_be_a_date_on_or_after_the_itt_start(client, provider):
    t = await create(client, provider)
    bad = await withdraw(client, provider, t, withdrawal_date="tomorrow")
    early = await withdraw(client, provider, t, withdrawal_date="2000-01-01")
    assert messages(bad) == ["withdrawal_date Choose a valid withdrawal date"]
    assert messages(early) == ["withdrawal_date must be after itt_start_date"]


async def test_reasons_must_suit_the_trigger(client, provider):
    t = await create(client, provider)
    response = await withdraw(
        client, provider, t, trigger="trainee", reasons=["record_added_in_error"]
    )
    assert messages(response) == [
        "reasons entered not valid for selected trigger eg unacceptable_behaviour for a trainee "
        "trigger"
    ]


async def test_another_reason_needs_its_text(client, provider):
    t = await create(client, provider)
    response = await withdraw(
        client, provider, t, reasons=["had_to_withdraw_trainee_another_reason"]
    )
    assert messages(response) == ["another_reason Enter another reason"]


async def test_safeguarding_concerns_need_a_description(client, provider):
    t = await create(client, provider)
    refused = await withdraw(client, provider, t, reasons=["safeguarding_concerns"])
    assert messages(refused) == ["safeguarding_concern_reasons Enter the concerns"]
    accepted = await withdraw(
        client,
        provider,
        t,
        reasons=["safeguarding_concerns"],
        safeguarding_concern_reasons="Reported to the LADO",
    )
    assert accepted.json()["data"]["withdrawal_safeguarding_concern_reasons"] == (
        "Reported to the LADO"
    )


async def test_a_trainee_whose_itt_has_not_started_cannot_be_withdrawn(client, provider):
    start = today() + timedelta(days=30)
    t = await create(
        client,
        provider,
        itt_start_date=start.isoformat(),
        itt_end_date=(start + timedelta(days=300)).isoformat(),
    )
    response = await withdraw(client, provider, t, withdrawal_date=...)
    assert response.status_code == 422
    assert response.json()["errors"][0]["error"] == "StateTransitionError"


async def test_withdraw_without_data_is_missing_data(client, provider):
    t = await create(client, provider)
    response = await client.post(
        f"{V}/trainees/{t['trainee_id']}/withdraw", json={}, headers=provider.headers
    )
    assert response.json() == {
        "errors": ["Param is missing or the value is empty or invalid: data"]
    }


async def test_deferring_records_date_and_reason(client, provider):
    t = await create(client, provider)
    response = await act(
        client, provider, t["trainee_id"], "defer", defer_date="2026-01-15", defer_reason="Illness"
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["state"], data["defer_date"], data["defer_reason"]) == (
        "deferred",
        "2026-01-15",
        "Illness",
    )


async def test_defer_fields_are_checked_before_the_state(client, provider):
    t = await in_state(client, provider, "withdrawn")
    response = await act(client, provider, t["trainee_id"], "defer", defer_reason="x" * 501)
    assert messages(response) == [
        "defer_date can't be blank",
        "defer_reason is too long (maximum is 500 characters)",
    ]


async def test_an_invalid_defer_date_is_invalid(client, provider):
    t = await create(client, provider)
    response = await act(client, provider, t["trainee_id"], "defer", defer_date="2026-13-01")
    assert messages(response) == ["defer_date is invalid"]


async def test_recommending_sets_the_outcome_date_and_answers_202(client, provider):
    t = await in_state(client, provider, "trn_received")
    response = await act(
        client,
        provider,
        t["trainee_id"],
        "update-qts-or-eyts-status",
        qts_standards_met_date=t["itt_start_date"],
    )
    assert response.status_code == 202
    data = response.json()["data"]
    assert (data["state"], data["outcome_date"]) == ("recommended_for_award", t["itt_start_date"])
    assert (
        data["recommended_for_award_at"].endswith("Z")
        and "." not in data["recommended_for_award_at"]
    )


async def test_a_recommendation_date_is_required(client, provider):
    t = await in_state(client, provider, "trn_received")
    response = await act(
        client, provider, t["trainee_id"], "recommend-for-qts", qts_standards_met_date=""
    )
    assert messages(response) == [
        "qts_standards_met_date can't be blank. Enter a date the trainee met the QTS or EYTS "
        "requirements."
    ]


async def test_a_recommendation_date_cannot_be_in_the_future_or_before_the_itt(client, provider):
    t = await in_state(client, provider, "trn_received")
    tomorrow = (today() + timedelta(days=1)).isoformat()
    future = await act(
        client, provider, t["trainee_id"], "recommend-for-qts", qts_standards_met_date=tomorrow
    )
    early = await act(
        client, provider, t["trainee_id"], "recommend-for-qts", qts_standards_met_date="2001-01-01"
    )
    invalid = await act(
        client, provider, t["trainee_id"], "recommend-for-qts", qts_standards_met_date="soon"
    )
    assert messages(future) == ["qts_standards_met_date must not be in the future"]
    assert messages(early) == ["qts_standards_met_date must be after itt_start_date"]
    assert messages(invalid) == ["qts_standards_met_date is invalid"]


async def test_a_postgraduate_trainee_needs_a_degree_and_two_placements(client, provider):
    t = await in_state(client, provider, "trn_received")
    tid = t["trainee_id"]
    for p in t["placements"]:
        await client.delete(
            f"{V}/trainees/{tid}/placements/{p['placement_id']}", headers=provider.headers
        )
    await client.delete(
        f"{V}/trainees/{tid}/degrees/{t['degrees'][0]['degree_id']}", headers=provider.headers
    )
    response = await act(
        client, provider, tid, "recommend-for-qts", qts_standards_met_date=t["itt_start_date"]
    )
    assert messages(response) == [
        "degree_id must be completed before qts_standards_met_date",
        "placements must be at least 2 for the provider_led_postgrad training route",
    ]


async def test_a_trn_received_later_is_kept_by_a_deferred_trainee(client, provider):
    t = await in_state(client, provider, "deferred")
    written = port(client).trn_received(t["trainee_id"], "7654321")
    assert (written.document["state"], written.document["trn"]) == ("deferred", "7654321")


async def test_the_list_filters_by_lifecycle_status(client, provider):
    await in_state(client, provider, "deferred")
    await in_state(client, provider, "awarded")
    for status, count in (("deferred", 1), ("awarded", 1), ("in_training", None)):
        response = await client.get(f"{V}/trainees?status={status}", headers=provider.headers)
        if count is None:
            assert response.status_code == 404
        else:
            assert response.json()["meta"]["total_count"] == count
    both = await client.get(
        f"{V}/trainees?status[]=deferred&status[]=awarded", headers=provider.headers
    )
    assert both.json()["meta"]["total_count"] == 2
