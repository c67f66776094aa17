"""The Trainee aggregate: each method checks its guard, then records a past-tense event."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.domain import Aggregate, event
from eventsourcing.utils import register_topic

from domain.errors import NotFound, StateTransitionRefused, TraineeErased
from domain.states import COMPLETE, State, allows
from domain.values import (
    Actor,
    Degree,
    Erasure,
    Placement,
    ProviderRef,
    RecordChanges,
    TraineeRecord,
    Withdrawal,
    changed_fields,
    record_changes,
)

_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_NAMESPACE = uuid5(NAMESPACE_URL, "urn:trainees:trainee")


_UNBIASED = 256 - 256 % len(_BASE58)  # bytes below this map onto base58 evenly


def new_slug() -> str:
    """A 24-character random base58 identifier, as the API exposes for records: random
    bytes, those that would bias the alphabet dropped (one call to the system's generator)."""
    chars: list[str] = []
    while len(chars) < 24:
        chars += [_BASE58[b % 58] for b in secrets.token_bytes(32) if b < _UNBIASED]
    return "".join(chars[:24])


def could_be_slug(text: str) -> bool:
    """Whether a trainee id as sent could name a trainee: letters and digits, at most 64 of
    them (anything else is not found without asking the store)."""
    return 0 < len(text) <= 64 and text.isascii() and text.isalnum()


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
        self.recommended_for_award_at: datetime | None = None
        self.outcome_date: date | None = None
        self.awarded_at: datetime | None = None
        self.defer_date: date | None = None
        self.defer_reason: str | None = None
        self.reinstate_date: date | None = None
        self.withdrawal: Withdrawal | None = None
        self.state_before_withdrawal: State | None = None
        self.has_trn = False
        self.erasure: Erasure | None = None

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

    # Lifecycle transitions (domain.md section 1).

    def can_withdraw(self, today: date) -> bool:
        """Withdrawal needs a trainee in training whose ITT has started."""
        start = self.record.itt_start_date
        return allows("withdraw", self.state) and start is not None and start <= today

    def withdraw(self, *, withdrawal: Withdrawal, actor: Actor, today: date) -> None:
        """Record that the trainee left the course."""
        if not self.can_withdraw(today):
            raise StateTransitionRefused
        self._withdrawn(withdrawal=withdrawal, actor=actor)

    @event("Withdrawn", topic=_topic("Withdrawn"))
    def _withdrawn(self, *, withdrawal: Withdrawal, actor: Actor) -> None:
        self.state_before_withdrawal = self.state
        self.state = State.WITHDRAWN
        self.withdrawal = withdrawal

    def defer(self, *, date: date, reason: str | None, actor: Actor) -> None:
        """Pause the trainee's training."""
        if not allows("defer", self.state):
            raise StateTransitionRefused
        self._deferred(date=date, reason=reason, actor=actor)

    @event("Deferred", topic=_topic("Deferred"))
    def _deferred(self, *, date: date, reason: str | None, actor: Actor) -> None:
        self.state = State.DEFERRED
        self.defer_date = date
        self.defer_reason = reason

    def recommend_for_award(self, *, outcome_date: date, actor: Actor, at: datetime) -> None:
        """Record that the trainee met the QTS or EYTS standards on outcome_date."""
        if not allows("recommend_for_award", self.state):
            raise StateTransitionRefused
        self._recommended_for_award(outcome_date=outcome_date, actor=actor, at=at)

    @event("RecommendedForAward", topic=_topic("RecommendedForAward"))
    def _recommended_for_award(self, *, outcome_date: date, actor: Actor, at: datetime) -> None:
        self.state = State.RECOMMENDED_FOR_AWARD
        self.outcome_date = outcome_date
        self.recommended_for_award_at = at

    def receive_trn(self, *, trn: str, actor: Actor) -> None:
        """Store the TRN allocated by the teacher-record system (never overwritten); a
        deferred or withdrawn trainee keeps its state."""
        if self.has_trn:
            raise StateTransitionRefused
        keeps_state = self.state in (State.DEFERRED, State.WITHDRAWN)
        if not keeps_state and not allows("receive_trn", self.state):
            raise StateTransitionRefused
        self._trn_received(trn=trn, actor=actor)

    @event("TrnReceived", topic=_topic("TrnReceived"))
    def _trn_received(self, *, trn: str | None, actor: Actor) -> None:
        self.trn = trn  # None once erased: the state below must not depend on it
        self.has_trn = True
        if self.state not in (State.DEFERRED, State.WITHDRAWN):
            self.state = State.TRN_RECEIVED

    def award(self, *, awarded_at: datetime, actor: Actor) -> None:
        """Record the award of QTS or EYTS, after a recommendation."""
        if not allows("award", self.state):
            raise StateTransitionRefused
        self._awarded(awarded_at=awarded_at, actor=actor)

    @event("Awarded", topic=_topic("Awarded"))
    def _awarded(self, *, awarded_at: datetime, actor: Actor) -> None:
        self.state = State.AWARDED
        self.awarded_at = awarded_at

    def reinstate(self, *, date: date, actor: Actor) -> None:
        """Resume a deferred trainee: back to trn_received with a TRN, else submitted."""
        if self.state is not State.DEFERRED:
            raise StateTransitionRefused
        self._reinstated(date=date, actor=actor)

    @event("Reinstated", topic=_topic("Reinstated"))
    def _reinstated(self, *, date: date, actor: Actor) -> None:
        self.reinstate_date = date
        if self.record.trainee_start_date is None:
            self.record = msgspec.structs.replace(self.record, trainee_start_date=date)
        self.state = State.TRN_RECEIVED if self.has_trn else State.SUBMITTED_FOR_TRN

    def undo_withdrawal(self, *, comment: str, ticket: str | None, actor: Actor) -> None:
        """Take back a withdrawal recorded in error; needs a comment saying why."""
        if self.state is not State.WITHDRAWN:
            raise StateTransitionRefused
        if not comment.strip():
            raise ValueError("a comment is required to undo a withdrawal")
        self._withdrawal_undone(comment=comment.strip(), ticket=ticket, actor=actor)

    @event("WithdrawalUndone", topic=_topic("WithdrawalUndone"))
    def _withdrawal_undone(self, *, comment: str | None, ticket: str | None, actor: Actor) -> None:
        self.state = self.state_before_withdrawal or State.TRN_RECEIVED
        self.withdrawal = None

    # Erasure of the person's data (docs/personal-data.md).

    def check_not_erased(self) -> None:
        """Refuse anything but reading the non-personal record once the person was erased."""
        if self.erasure is not None:
            raise TraineeErased(self.erasure.at)

    def erase(self, *, reason: str, ticket: str | None, actor: Actor, at: datetime) -> None:
        """Record that the person's data is erased (the service then destroys the data key)."""
        self.check_not_erased()
        if not reason.strip():
            raise ValueError("a reason is required to erase a trainee")
        self._erased(reason=reason.strip(), ticket=ticket, actor=actor, at=at)

    @event("Erased", topic=_topic("Erased"))
    def _erased(self, *, reason: str, ticket: str | None, actor: Actor, at: datetime) -> None:
        self.erasure = Erasure(at=at, reason=reason, ticket=ticket)

    # Placements and degrees.

    def placement(self, placement_id: str) -> Placement:
        """The placement with this id (case-insensitive)."""
        for p in self.placements:
            if p.placement_id.lower() == placement_id.lower():
                return p
        raise NotFound("Placement(s)")

    def degree(self, degree_id: str) -> Degree:
        """The degree with this id (case-insensitive)."""
        for d in self.degrees:
            if d.degree_id.lower() == degree_id.lower():
                return d
        raise NotFound("Degree(s)")

    def add_placement(self, *, placement: Placement, actor: Actor, restricted: bool) -> None:
        """Add a school placement."""
        self.check_editable(refuse_when_complete=restricted)
        self._placement_added(placement=placement, actor=actor)

    @event("PlacementAdded", topic=_topic("PlacementAdded"))
    def _placement_added(self, *, placement: Placement, actor: Actor) -> None:
        self.placements.append(placement)

    def change_placement(self, *, placement: Placement, actor: Actor, restricted: bool) -> None:
        """Replace a placement's details."""
        self.check_editable(refuse_when_complete=restricted)
        self.placement(placement.placement_id)
        self._placement_changed(placement=placement, actor=actor)

    @event("PlacementChanged", topic=_topic("PlacementChanged"))
    def _placement_changed(self, *, placement: Placement, actor: Actor) -> None:
        self.placements = [
            placement if p.placement_id == placement.placement_id else p for p in self.placements
        ]

    def remove_placement(self, *, placement_id: str, actor: Actor, restricted: bool) -> None:
        """Remove a placement."""
        self.check_editable(refuse_when_complete=restricted)
        found = self.placement(placement_id)
        self._placement_removed(placement_id=found.placement_id, actor=actor)

    @event("PlacementRemoved", topic=_topic("PlacementRemoved"))
    def _placement_removed(self, *, placement_id: str, actor: Actor) -> None:
        self.placements = [p for p in self.placements if p.placement_id != placement_id]

    def add_degree(self, *, degree: Degree, actor: Actor, restricted: bool) -> None:
        """Add a previous degree."""
        self.check_editable(refuse_when_complete=restricted)
        self._degree_added(degree=degree, actor=actor)

    @event("DegreeAdded", topic=_topic("DegreeAdded"))
    def _degree_added(self, *, degree: Degree, actor: Actor) -> None:
        self.degrees.append(degree)

    def change_degree(self, *, degree: Degree, actor: Actor, restricted: bool) -> None:
        """Replace a degree's details."""
        self.check_editable(refuse_when_complete=restricted)
        self.degree(degree.degree_id)
        self._degree_changed(degree=degree, actor=actor)

    @event("DegreeChanged", topic=_topic("DegreeChanged"))
    def _degree_changed(self, *, degree: Degree, actor: Actor) -> None:
        self.degrees = [degree if d.degree_id == degree.degree_id else d for d in self.degrees]

    def remove_degree(self, *, degree_id: str, actor: Actor, restricted: bool) -> None:
        """Remove a degree."""
        self.check_editable(refuse_when_complete=restricted)
        found = self.degree(degree_id)
        self._degree_removed(degree_id=found.degree_id, actor=actor)

    @event("DegreeRemoved", topic=_topic("DegreeRemoved"))
    def _degree_removed(self, *, degree_id: str, actor: Actor) -> None:
        self.degrees = [d for d in self.degrees if d.degree_id != degree_id]


def _pin_topics() -> None:
    """Pin the topics of the aggregate and its events, so stored events keep resolving
    in any process and after this module or its classes move."""
    Trainee.TOPIC = _topic("Trainee")  # type: ignore[attr-defined]
    register_topic(_topic("Trainee"), Trainee)
    for value in vars(Trainee).values():
        if isinstance(value, type) and "TOPIC" in vars(value):
            register_topic(vars(value)["TOPIC"], value)


_pin_topics()
