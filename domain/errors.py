"""Named refusals raised by the domain; the service maps each to one HTTP answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class DomainError(Exception):
    """Base of every refusal the domain can raise."""


@dataclass(frozen=True)
class Problem:
    """One validation failure: the canonical field and the message after the field name."""

    field: str
    message: str
    nested_under: str | None = None
    saved: bool = False  # the record's own check as it was saved: named as Rails names it


@dataclass
class ValidationFailed(DomainError):
    """The request breaks one or more rules; nothing was recorded."""

    problems: list[Problem] = field(default_factory=list)


class StateTransitionRefused(DomainError):
    """The trainee's current state does not allow this action."""


class NotFound(DomainError):
    """The trainee (or its placement or degree) does not exist for this provider."""

    def __init__(self, what: str = "Trainee(s)") -> None:
        super().__init__(what)
        self.what = what


class TraineeErased(DomainError):
    """The trainee's personal data was erased: the record answers no more reads or writes."""

    def __init__(self, at: datetime) -> None:
        super().__init__("trainee erased")
        self.at = at


class ConcurrentChange(DomainError):
    """Another request changed the trainee since it was read."""


class DuplicateDegree(DomainError):
    """The trainee already has a degree with the same details."""

    def __init__(self, matches: list[object]) -> None:
        super().__init__("duplicate degree")
        self.matches = matches
