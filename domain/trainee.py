"""The Trainee aggregate: each method checks its guard, then records a past-tense event."""

from __future__ import annotations

import secrets
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import register_topic

from domain.errors import StateTransitionRefused
from domain.states import COMPLETE, State, allows
from domain.values import (
    Actor,
    Degree,
    Placement,
    ProviderRef,
    RecordChanges,
    TraineeRecord,
    changed_fields,
    record_changes,
)

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_NAMESPACE = uuid5(NAMESPACE_URL, "urn:trainees:trainee")


def new_slug() -> str:
    """A 24-character random base58 identifier, as the API exposes for records."""
    return "".join(secrets.choice(_BASE58) for _ in range(24))


def trainee_uuid(slug: str) -> UUID:
    """The aggregate id of the trainee with this slug (slugs are case-insensitive)."""
    return uuid5(_NAMESPACE, slug.lower())


def _topic(name: str) -> str:
    return f"trainees.trainee:{name}"


class Trainee(Aggregate):
    """A trainee teacher's record and lifecycle, owned by one training provider."""

    @staticmethod
    def create_id(slug: str, **_: object) -> UUID:
        """Derive the aggregate id from the slug, so a slug finds its stream directly."""
        return trainee_uuid(slug)

    @event("Registered", topic=_topic("Registered"))
    def __init__(
        self,
        *,
        slug: str,
        provider: ProviderRef,
        record: TraineeRecord,
        placements: tuple[Placement, ...],
        degrees: tuple[Degree, ...],
        record_source: str,
        actor: Actor,
    ) -> None:
        self.slug = slug
        self.provider = provider
        self.record = record
        self.placements = list(placements)
        self.degrees = list(degrees)
        self.record_source = record_source
        self.state = State.DRAFT
        self.trn: str | None = None
        self.submitted_for_trn_at: datetime | None = None

    @classmethod
    def register(
        cls,
        *,
        provider: ProviderRef,
        record: TraineeRecord,
        placements: tuple[Placement, ...],
        degrees: tuple[Degree, ...],
        actor: Actor,
        at: datetime,
        slug: str | None = None,
    ) -> Trainee:
        """Register a trainee through the API and submit it for a TRN at once."""
        trainee = cls(
            slug=slug or new_slug(),
            provider=provider,
            record=record,
            placements=placements,
            degrees=degrees,
            record_source="api",
            actor=actor,
        )
        trainee.submit_for_trn(actor=actor, at=at)
        return trainee

    def submit_for_trn(self, *, actor: Actor, at: datetime) -> None:
        """Send the record to the teacher-record system for a TRN."""
        if not allows("submit_for_trn", self.state):
            raise StateTransitionRefused
        self._submitted_for_trn(actor=actor, at=at)

    @event("SubmittedForTrn", topic=_topic("SubmittedForTrn"))
    def _submitted_for_trn(self, *, actor: Actor, at: datetime) -> None:
        self.state = State.SUBMITTED_FOR_TRN
        self.submitted_for_trn_at = at

    def check_editable(self, *, refuse_when_complete: bool) -> None:
        """Refuse edits in recommended, withdrawn and awarded states (when the version says so)."""
        if refuse_when_complete and self.state in COMPLETE:
            raise StateTransitionRefused

    def change_details(
        self, *, record: TraineeRecord, actor: Actor, refuse_when_complete: bool
    ) -> bool:
        """Replace the record's details; returns whether anything changed."""
        self.check_editable(refuse_when_complete=refuse_when_complete)
        changes = record_changes(self.record, record)
        if not changes:
            return False
        self._details_changed(changes=RecordChanges(**changes), actor=actor)
        return True

    @event("DetailsChanged", topic=_topic("DetailsChanged"))
    def _details_changed(self, *, changes: RecordChanges, actor: Actor) -> None:  # type: ignore[valid-type]
        self.record = msgspec.structs.replace(self.record, **changed_fields(changes))


def _pin_topics() -> None:
    """Pin the topics of the aggregate and its events, so stored events keep resolving
    in any process and after this module or its classes move."""
    Trainee.TOPIC = _topic("Trainee")  # type: ignore[attr-defined]
    register_topic(_topic("Trainee"), Trainee)
    for value in vars(Trainee).values():
        if isinstance(value, type) and "TOPIC" in vars(value):
            register_topic(vars(value)["TOPIC"], value)


_pin_topics()
