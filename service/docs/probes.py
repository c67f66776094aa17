"""The validation messages each endpoint can answer with, found by running the rules the
endpoint runs, as a version judges them, over the sample with each field spoiled in turn."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.details import DEGREE_FIELDS, PLACEMENT_FIELDS, WRITABLE
from domain.errors import Problem, ValidationFailed
from domain.rules import Candidate, Context, Register, check_all
from domain.rules.lifecycle import (
    DEFERRAL_RULES,
    DEFERRAL_STATE_RULES,
    RECOMMENDATION_RULES,
    SAFEGUARDING,
    WITHDRAWAL_RULES,
)
from domain.rules.submission import SubmissionFailed
from domain.rules.subresources import degree_body_problems, placement_body_problems
from domain.values import ProviderRef
from service.api.requests import (
    ACTION_INPUTS,
    DegreeInput,
    PlacementInput,
    checked,
    fields_of,
    trainee_input,
)
from service.commands import check_new_trainee, new_trainee
from service.docs.examples import ACTOR, SCHOOL, action_request, sample_request
from service.subresources import degree_context
from service.versions import ApiVersion

SPOILT: tuple[object, ...] = (
    "",
    "x",
    "x" * 300,
    "x" * 501,
    True,
    "2999-01-01",
    "1800-01-01",
    "0",
    "-1",
)
Found = tuple[Problem | str, ...]  # a problem, or a submission section's whole message


def spoilt(body: Mapping[str, Any], names: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The body without anything, then with each field blank, missing or wrong."""
    yield {}
    for name in names:
        without = {k: v for k, v in body.items() if k != name}
        yield without
        for value in SPOILT:
            yield {**body, name: value}


def _trainee(version: ApiVersion, body: dict[str, Any], today: date) -> Found:
    try:
        decoded, disabilities = trainee_input(body)
        sent = fields_of(decoded)
        placements = [fields_of(p) for p in sent.pop("placements_attributes", [])]
        degrees = [fields_of(d) for d in sent.pop("degrees_attributes", [])]
        new = check_new_trainee(
            sent=sent,
            disabilities=disabilities,
            placements=placements,
            degrees=degrees,
            policy=version.policy,
            today=today,
            known=Register(schools={SCHOOL.urn: SCHOOL}),
        )
        new_trainee(provider=ProviderRef(provider_id="docs", ukprn="1"), new=new, actor=ACTOR)
    except ValidationFailed as failed:
        return tuple(failed.problems)
    except SubmissionFailed as failed:
        return tuple(
            f"{section}: {name} {message}"
            for section, fields in failed.sections.items()
            for name, messages in fields.items()
            for message in messages
        )
    return ()


@dataclass(frozen=True)
class Probe:
    """An endpoint's checks as one version runs them, on its example body."""

    body: Mapping[str, Any]
    names: tuple[str, ...]
    checks: tuple[Callable[[Mapping[str, Any]], Found], ...]
    extra: tuple[Mapping[str, Any], ...] = ()

    def found(self) -> Iterator[Problem | str]:
        """Everything the checks find over the spoilt bodies."""
        for check in self.checks:
            for sent in (*spoilt(self.body, self.names), *self.extra):
                yield from check(sent)

    def required(self) -> frozenset[str]:
        """The fields whose absence the first check refuses, named by the domain."""
        check = self.checks[0]
        return frozenset(
            name
            for name in self.names
            if any(
                isinstance(p, Problem) and p.field == name and not p.nested_under
                for p in check({k: v for k, v in self.body.items() if k != name})
            )
        )


def _nested(body: Mapping[str, Any], key: str, fields: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    (item,) = body[key]
    for spoilt_item in spoilt(item, fields):
        yield {**body, key: [spoilt_item]}
    yield {**body, key: [item, item]}


def trainee_probe(version: ApiVersion, today: date) -> Probe:
    """What a trainee create or update can be refused for."""
    body = sample_request(today)
    extra = (
        *_nested(body, "degrees_attributes", DEGREE_FIELDS),
        *_nested(body, "placements_attributes", PLACEMENT_FIELDS),
    )
    return Probe(
        body,
        (*WRITABLE, "disability1", "disability2"),
        (lambda sent: _trainee(version, dict(sent), today),),
        extra,
    )


def _shaped(kind: Any, check: Callable[[Mapping[str, Any]], Found]) -> Callable[..., Found]:
    """The check behind the shape check of the endpoint's input type."""

    def run(sent: Mapping[str, Any]) -> Found:
        try:
            return check(checked(sent, kind))
        except ValidationFailed as failed:
            return tuple(failed.problems)

    return run


def _rules(
    version: ApiVersion, today: date, rules: tuple[Any, ...], facts: Mapping[str, Any]
) -> Callable[[Mapping[str, Any]], Found]:
    context = Context(today=today, policy=version.policy)
    return lambda sent: tuple(check_all(rules, Candidate({**sent, **facts}, {}), context))


def action_probe(version: ApiVersion, endpoint: str, today: date) -> Probe:
    """What an action can be refused for (its fields, then the trainee's facts)."""
    body = action_request(endpoint, today)
    start = sample_request(today)["itt_start_date"]
    extra: tuple[Mapping[str, Any], ...] = ()
    if endpoint == "withdraw":
        checks = [_rules(version, today, WITHDRAWAL_RULES, {"itt_start_date": start})]
        extra = tuple({**body, "reasons": [r]} for r in ("another_reason", SAFEGUARDING))
        extra += ({**body, "trigger": "trainee", "reasons": ["x"]},)
    elif endpoint == "defer":
        checks = [_rules(version, today, DEFERRAL_RULES, {})]
        checks.append(_rules(version, today, DEFERRAL_STATE_RULES, {"state": "draft"}))
    else:
        facts = {
            "itt_start_date": start,
            "training_route": "12",
            "state": "trn_received",
            "degree_count": 1,
            "placement_count": 2,
        }
        checks = [_rules(version, today, RECOMMENDATION_RULES, facts)]
        for spoil in ({"state": "submitted_for_trn"}, {"degree_count": 0}, {"placement_count": 0}):
            checks.append(_rules(version, today, RECOMMENDATION_RULES, {**facts, **spoil}))
    kind = ACTION_INPUTS[endpoint]
    return Probe(body, tuple(body), tuple(_shaped(kind, c) for c in checks), extra)


def placement_probe(version: ApiVersion, today: date) -> Probe:
    """What a placement sent to the placements endpoint can be refused for."""
    (item,) = sample_request(today)["placements_attributes"]
    return Probe(
        {**item, "postcode": "BN1 1AA"},
        PLACEMENT_FIELDS,
        (_shaped(PlacementInput, lambda sent: tuple(placement_body_problems(sent, {SCHOOL.urn}))),),
    )


def degree_probe(version: ApiVersion, today: date) -> Probe:
    """What a degree sent to the degrees endpoint can be refused for."""
    (item,) = sample_request(today)["degrees_attributes"]
    context = degree_context(today, version.policy)
    check = _shaped(DegreeInput, lambda sent: tuple(degree_body_problems(sent, context)))
    return Probe(item, DEGREE_FIELDS, (check,))
