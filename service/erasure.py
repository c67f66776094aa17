"""Erasing a trainee's personal data: an Erased event, and the data key destroyed with it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from domain.values import Actor
from service.commands import load, save
from service.eventstore import TraineeRegister


@dataclass(frozen=True)
class Erasure:
    """What an erasure did."""

    trainee_id: str
    at: datetime
    already: bool


def erase(
    register: TraineeRegister, *, slug: str, reason: str, ticket: str | None, actor: Actor
) -> Erasure:
    """Record the erasure (who, when, why: no personal data) and destroy the trainee's data key
    in the same transaction; every personal value sealed with it is then unreadable; the answers
    kept for idempotent retries that name the trainee are deleted. Erasing
    again destroys the key if it survived, and records nothing."""
    trainee = load(register, slug, None, erased=True)
    if trainee.erasure is not None:
        register.destroy_key(trainee.id)
        register.forget_answers(trainee.slug)
        return Erasure(trainee.slug, trainee.erasure.at, already=True)
    at = datetime.now(UTC)
    trainee.erase(reason=reason, ticket=ticket, actor=actor, at=at)
    save(register, trainee, erase=[trainee.id])
    register.keyring.forget(trainee.id)
    register.forget_answers(trainee.slug)  # answers kept for idempotent retries carry the record
    return Erasure(trainee.slug, at, already=False)
