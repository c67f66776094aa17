"""Every answer other than success an operation can give, worded as the version words it: the
service's own refusals from the constants the handlers answer with, the validation messages
from the probes of the rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import msgspec

from domain.errors import NotFound, Problem
from service.api.filters import parse_filter
from service.api.requests import data_object
from service.api.responses import (
    CONFLICT_CHANGED,
    DUPLICATE_DEGREE,
    DUPLICATE_TRAINEE,
    MISSING_DATA,
    NO_TRAINEES,
    STATE_TRANSITION,
    TRAINEE_NOT_FOUND,
    UNAUTHORIZED,
    UNAVAILABLE,
    ApiError,
    not_found,
    trainee_invalid,
    unprocessable,
)
from service.clock import today
from service.config import Settings
from service.docs import probes
from service.docs.examples import ACTION_REQUESTS
from service.idempotency import BAD_KEY, REUSED, RUNNING
from service.observability.middleware import RETRY_LATER, too_large_body
from service.openapi import endpoint_of
from service.versions import VERSIONS, ApiVersion

ECHO = re.compile(r"(value of )'[^']*'")
SENT = "‹value sent›"
BAD_FILTERS = {"academic_cycle": ["1900"], "since": ["x"], "status": ["x"], "sort_order": ["x"]}
WRITES = frozenset({"post", "put", "patch"})


@dataclass(frozen=True, order=True)
class Answer:
    """One refusal: its status, its kind and its exact message (the field, where it has one)."""

    status: int
    kind: str
    message: str
    field: str | None = None


def _message(body: object) -> tuple[str, str]:
    """The kind and message of an `{"errors": [{"error", "message"}]}` body."""
    assert isinstance(body, dict)
    first = body.get("errors", [{}])[0] if "errors" in body else body
    if isinstance(first, str):
        return "UnprocessableEntity", first
    return str(first.get("error", "")), str(first.get("message", first.get("error", "")))


def _of(error: ApiError, field: str | None = None) -> Answer:
    kind, message = _message(error.body)
    return Answer(error.status, kind, message, field)


def _malformed() -> Answer:
    """The 400 a body that is not JSON gets (its message says where the JSON breaks)."""
    try:
        data_object(b'{"data": ')
    except ApiError as refused:
        return Answer(refused.status, "BadRequest (malformed JSON)", _message(refused.body)[1])
    raise AssertionError("a broken body was decoded")


def _filters(day: date) -> list[Answer]:
    try:
        parse_filter(BAD_FILTERS, day)
    except ApiError as refused:
        assert isinstance(refused.body, dict)
        return [
            Answer(422, "Validation", f"{name} {message.replace(BAD_FILTERS[name][0], SENT)}", name)
            for name, messages in refused.body["errors"].items()
            for message in messages
        ]
    return []


def worded(version: ApiVersion, found: Problem | str, humanise: bool) -> Answer:
    """A probe's finding as the version words it; a value the client sent is shown as such."""
    if isinstance(found, str):
        section = found.partition(": ")[0]
        return Answer(422, "Validation", ECHO.sub(rf"\1'{SENT}'", found), section)
    text = version.full_message(found, may_humanise=humanise)
    return Answer(422, "Validation", ECHO.sub(rf"\1'{SENT}'", text), version.wire_name(found.field))


def probe_of(version: ApiVersion, endpoint: str, method: str, day: date) -> probes.Probe | None:
    """The probe of the rules the operation runs on its body (None: it has no body)."""
    if method not in WRITES or endpoint in ("info", "reference-data"):
        return None
    if endpoint == "trainees":
        return probes.trainee_probe(version, day)
    if endpoint == "placements":
        return probes.placement_probe(version, day)
    if endpoint == "degrees":
        return probes.degree_probe(version, day)
    return probes.action_probe(version, endpoint, day)


@cache
def answers(segment: str, path: str, method: str) -> tuple[Answer, ...]:
    """Every refusal of one operation of one version, by status then message."""
    version, day = VERSIONS[segment], today()
    endpoint = endpoint_of(path)
    found: set[Answer] = set()
    if endpoint != "reference-data":
        found |= {_of(UNAUTHORIZED), _of(UNAVAILABLE)}
        found.add(Answer(429, "TooManyRequests", RETRY_LATER.decode().strip()))
    if endpoint == "reference-data":
        found.add(_of(not_found()))
    if "{trainee_id}" in path:
        found.add(_of(not_found(TRAINEE_NOT_FOUND)))
    if path.endswith(("{placement_id}", "{degree_id}")):
        what = "Placement(s)" if "placement" in path else "Degree(s)"
        found.add(_of(not_found(f"{NotFound(what).what} not found")))
    if endpoint == "trainees" and method == "get" and "{trainee_id}" not in path:
        found.add(_of(not_found(NO_TRAINEES)))
        found |= set(_filters(day))
    if method in WRITES:
        body = msgspec.json.decode(too_large_body(Settings.max_body_bytes))
        found.add(_of(ApiError(413, body)))
        found.add(Answer(422, "UnprocessableEntity", version.reworded(MISSING_DATA)))
        found.add(_malformed())
    if method in WRITES or method == "delete":
        kinds = ((400, BAD_KEY), (422, REUSED), (409, RUNNING))
        found |= {_of(ApiError(st, msgspec.json.decode(body))) for st, body in kinds}
    if "{trainee_id}" in path and (method in WRITES or method == "delete"):
        found.add(_of(CONFLICT_CHANGED))  # If-Match, or a write that raced another
    if endpoint == "trainees" and method == "post":
        found.add(Answer(409, "Conflict", DUPLICATE_TRAINEE))
    if endpoint == "degrees" and method in WRITES:
        found.add(Answer(409, "Conflict", DUPLICATE_DEGREE))
    if endpoint in ACTION_REQUESTS:
        found.add(_of(STATE_TRANSITION))
    if method in WRITES:
        found |= validation(segment, endpoint)
    return tuple(sorted(found))


@cache
def validation(segment: str, endpoint: str) -> frozenset[Answer]:
    """The validation messages of an endpoint's writes in one version."""
    version = VERSIONS[segment]
    probe = probe_of(version, endpoint, "post", today())
    if probe is None:
        return frozenset()
    humanise = version.humanises(endpoint)
    return frozenset(worded(version, f, humanise) for f in probe.found())


@cache
def required(segment: str, endpoint: str) -> frozenset[str]:
    """The domain fields an endpoint's write refuses to go without, in one version."""
    probe = probe_of(VERSIONS[segment], endpoint, "post", today())
    return probe.required() if probe is not None else frozenset()


def example_refusal(segment: str, path: str, method: str) -> dict[str, Any] | None:
    """The body the operation answers an empty `data` object with, as the handlers build it."""
    version, day = VERSIONS[segment], today()
    endpoint = endpoint_of(path)
    probe = probe_of(version, endpoint, method, day)
    if probe is None:
        return None
    problems = [p for p in probe.checks[0]({}) if isinstance(p, Problem)][:3]
    if not problems:
        return None
    if endpoint == "trainees":
        refused = trainee_invalid(problems, version, enhanced=False)
    else:
        refused = unprocessable(problems, version, may_humanise=version.humanises(endpoint))
    assert isinstance(refused.body, dict)
    return refused.body
