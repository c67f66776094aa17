"""The audit API's answers as types: the OpenAPI document is generated from them, and the
tests hold every answer to them."""

from __future__ import annotations

from typing import Any

import msgspec


class Answer(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base of the audit API's answers: no field beyond those declared."""


class Actor(Answer):
    """Who caused an event: `provider` (with its token, version and request), `operator`, or
    `teacher_record_system` (with the operator who recorded its answer)."""

    type: str
    provider_id: str | None = None
    token_id: str | None = None
    api_version: str | None = None
    request_id: str | None = None
    operator: str | None = None
    recorded_by: str | None = None


class Change(Answer):
    """One field's value before and after the event (null: absent or empty)."""

    from_: Any = msgspec.field(name="from")
    to: Any


class AuditEvent(Answer):
    """One event of a trainee: its sequence number in the trainee's stream, its name, when,
    who, through which API version and request, what changed, and its chain hash."""

    sequence: int
    event: str
    at: str
    actor: Actor
    api_version: str | None
    request_id: str | None
    changes: dict[str, Change]
    hash: str | None


class AuditEvents(Answer):
    """Every event of one trainee, oldest first, fields named as `vocabulary` names them."""

    trainee_id: str
    vocabulary: str
    data: list[AuditEvent]


class TraineeAtPoint(Answer):
    """The trainee as a client of `vocabulary` read it after event `sequence` (at `at`);
    `data` is that version's trainee object, placements and degrees included."""

    trainee_id: str
    vocabulary: str
    sequence: int
    at: str
    data: dict[str, Any]


class TrailEntry(Answer):
    """One event in the trail: its position in the whole store (what cursors follow)."""

    position: int
    trainee_id: str | None
    event: str
    at: str
    ukprn: str | None
    actor_type: str | None
    provider_id: str | None
    token_id: str | None
    api_version: str | None
    request_id: str | None


class TrailPage(Answer):
    """A page of the trail; `next` is the cursor of the next page (null on the last)."""

    data: list[TrailEntry]
    next: str | None


class Head(Answer):
    """The newest event of the trainee's chain."""

    sequence: int
    hash: str


class Broken(Answer):
    """The first event that does not verify (sequence null when the whole stream is gone)."""

    sequence: int | None
    reason: str


class Verification(Answer):
    """Whether every event of the trainee is chained as appended and every seal holds;
    `seals`: how many seals recorded the trainee's head."""

    trainee_id: str
    verified: bool
    events: int
    head: Head | None
    seals: int
    rechained: bool
    broken: Broken | None


class ErrorItem(Answer):
    error: str
    message: str


class Errors(Answer):
    """Why the request was refused."""

    errors: list[ErrorItem]
