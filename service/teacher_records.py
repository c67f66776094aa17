"""The port to the teacher-record system, which allocates TRNs and awards QTS or EYTS.

In production that system is DfE's Teaching Regulation Service. Requests to it follow from
events (SubmittedForTrn asks for a TRN, RecommendedForAward asks for the award); its answers
come back through the inbound side below. The local adapter, used by the embedded default,
is the operator: `trainees trn receive` and `trainees award` report what the system decided.
"""

from __future__ import annotations

import getpass
from datetime import date
from typing import Protocol

from domain.values import Actor
from service import lifecycle
from service.commands import Written
from service.eventstore import TraineeRegister


class TeacherRecordOutcomes(Protocol):
    """Inbound port: what the teacher-record system reports about a trainee."""

    def trn_received(self, slug: str, trn: str) -> Written: ...

    def awarded(self, slug: str, on: date | None) -> Written: ...


class LocalTeacherRecords:
    """Adapter for a service without a teacher-record system: an operator reports outcomes."""

    def __init__(self, register: TraineeRegister, operator: str | None = None) -> None:
        self.register = register
        self.actor = Actor(source="operator", operator=operator or getpass.getuser())

    def trn_received(self, slug: str, trn: str) -> Written:
        """A TRN was allocated."""
        return lifecycle.receive_trn(self.register, slug=slug, trn=trn, actor=self.actor)

    def awarded(self, slug: str, on: date | None) -> Written:
        """QTS or EYTS was awarded (on the standards-met date unless given)."""
        return lifecycle.award(self.register, slug=slug, on=on, actor=self.actor)
