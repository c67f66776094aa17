"""Example requests and answers, made by the same code paths a request takes: the sample body
is checked by the rules, registered by the aggregate and rendered through the version chain."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from domain.rules import Register, School
from domain.trainee import Trainee
from domain.values import Actor, ProviderRef, Withdrawal
from projections.documents import trainee_document
from service.clock import today
from service.commands import check_new_trainee, new_trainee
from service.versions import HEAD, ApiVersion

SCHOOL = School(urn="900020", name="Not applicable", postcode=None)
ACTOR = Actor(source="api", provider_id="docs", token_id="docs", api_version=HEAD.name)


def cycle_start(day: date) -> int:
    """The first year of the academic cycle that contains the day."""
    return day.year if day.month >= 8 else day.year - 1


def sample_request(day: date) -> dict[str, Any]:
    """A new trainee in the domain's vocabulary, starting in the day's cycle."""
    year = cycle_start(day)
    return {
        "first_names": "Jane",
        "last_name": "Example",
        "date_of_birth": "1995-04-12",
        "sex": "10",
        "email": "jane.example@example.com",
        "nationality": "GB",
        "ethnicity": "120",
        "training_route": "12",
        "itt_start_date": f"{year}-09-01",
        "itt_end_date": f"{year + 1}-07-31",
        "trainee_start_date": f"{year}-09-01",
        "course_subject_1": "100346",
        "study_mode": "63",
        "course_age_range": "13918",
        "itt_aim": "202",
        "itt_qualification_aim": "001",
        "course_year": "1",
        "fund_code": "2",
        "funding_method": "6",
        "hesa_id": "0310261553101",
        "provider_trainee_id": "PT-2025-0042",
        "disability1": "58",
        "placements_attributes": [{"urn": SCHOOL.urn, "name": SCHOOL.name}],
        "degrees_attributes": [
            {
                "grade": "02",
                "subject": "100485",
                "institution": "0117",
                "uk_degree": "083",
                "graduation_year": "2016",
            }
        ],
    }


ACTION_REQUESTS: dict[str, dict[str, Any]] = {
    "withdraw": {
        "withdrawal_date": "{today}",
        "trigger": "provider",
        "reasons": ["record_added_in_error"],
        "future_interest": "no",
    },
    "defer": {"defer_date": "{today}", "defer_reason": "Family circumstances"},
    "recommend-for-qts": {"qts_standards_met_date": "{today}"},
    "update-qts-or-eyts-status": {"qts_standards_met_date": "{today}"},
}


def action_request(endpoint: str, day: date) -> dict[str, Any]:
    """The example body of an action, dated the day."""
    body = ACTION_REQUESTS[endpoint]
    return {k: v.format(today=day) if isinstance(v, str) else v for k, v in body.items()}


def in_version(body: dict[str, Any], version: ApiVersion) -> dict[str, Any]:
    """A domain request body named as the version names its fields (what it accepts only)."""
    return {version.wire_name(k): v for k, v in body.items() if k not in version.request_removed}


@cache
def registered() -> Trainee:
    """The sample trainee, checked and registered as POST /trainees does."""
    day = today()
    sent = sample_request(day)
    placements = sent.pop("placements_attributes")
    degrees = sent.pop("degrees_attributes")
    disabilities = {"disability1": sent.pop("disability1")}
    new = check_new_trainee(
        sent=sent,
        disabilities=disabilities,
        placements=placements,
        degrees=degrees,
        policy=HEAD.policy,
        today=day,
        known=Register(schools={SCHOOL.urn: SCHOOL}),
    )
    provider = ProviderRef(provider_id="docs", ukprn="10000001")
    return new_trainee(provider=provider, new=new, actor=ACTOR)


def _after(endpoint: str) -> Trainee:
    """The sample trainee after the action (the aggregate's own transitions)."""
    trainee = copy.deepcopy(registered())
    day = today()
    if endpoint == "withdraw":
        body = action_request(endpoint, day)
        withdrawal = Withdrawal(
            date=day,
            trigger=body["trigger"],
            reasons=tuple(body["reasons"]),
            future_interest=body["future_interest"],
        )
        trainee.withdraw(withdrawal=withdrawal, actor=ACTOR, today=day)
    elif endpoint == "defer":
        trainee.defer(date=day, reason="Family circumstances", actor=ACTOR)
    elif endpoint in ("recommend-for-qts", "update-qts-or-eyts-status"):
        trainee.receive_trn(trn="1234567", actor=ACTOR)
        trainee.recommend_for_award(outcome_date=day, actor=ACTOR, at=datetime.now(UTC))
    return trainee


@cache
def document(endpoint: str = "trainees") -> dict[str, Any]:
    """The sample trainee's document in the domain's vocabulary, after the endpoint's action."""
    return trainee_document(_after(endpoint))
