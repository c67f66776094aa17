"""Validation rules for a trainee record: each a named check that a version may switch off."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from domain.errors import Problem


@dataclass(frozen=True)
class School:
    """A school of the register, as a placement or an employing school refers to it."""

    urn: str
    name: str
    town: str | None = None
    postcode: str | None = None


@dataclass(frozen=True)
class Partner:
    """A training partner of the register, known by its URN, its UKPRN or both."""

    name: str
    urn: str | None = None
    ukprn: str | None = None


@dataclass(frozen=True)
class Register:
    """What the school and partner register holds of the URNs and UKPRNs a request names."""

    schools: Mapping[str, School] = field(default_factory=dict)
    partners: tuple[Partner, ...] = ()

    def partner(self, *, urn: str | None = None, ukprn: str | None = None) -> Partner | None:
        """The partner with this URN (or, when no URN is given, this UKPRN)."""
        if urn is not None:
            return next((p for p in self.partners if p.urn == urn), None)
        return next((p for p in self.partners if ukprn is not None and p.ukprn == ukprn), None)


@dataclass(frozen=True)
class Candidate:
    """A trainee record about to be saved: the merged raw values by canonical field name."""

    values: Mapping[str, object]
    disabilities: Mapping[str, str]
    placements: tuple[Mapping[str, object], ...] = ()
    degrees: tuple[Mapping[str, object], ...] = ()
    creating: bool = True
    sent: frozenset[str] | None = None  # the fields the request carried; None: all (create)
    forced_initiative: str | None = None  # the internal initiative a funding method imposes

    def was_sent(self, name: str) -> bool:
        """Whether the request carried this field."""
        return self.sent is None or name in self.sent

    def text(self, name: str) -> str | None:
        """The value as text, or None when absent or blank."""
        value = self.values.get(name)
        if value is None:
            return None
        text = str(value)
        return text if text.strip() else None


OLDER_BEHAVIOURS = frozenset(
    {
        "route_02",
        "primary_subject_rewrite",
        "submission_on_update",
        "funding_v1_0_pre",
        "itt_qualification_aim_integer_bug",
    }
)
"""Behaviours only older API versions have: off unless a version switches them on."""


@dataclass(frozen=True)
class Context:
    """What a rule may depend on besides the record: the day, the version, the register."""

    today: date
    switched_off: frozenset[str] = OLDER_BEHAVIOURS
    messages: Mapping[str, str] = field(default_factory=dict)
    register: Register = field(default_factory=Register)

    def message(self, key: str, default: str) -> str:
        """The version's wording for a message, defaulting to the head wording."""
        return self.messages.get(key, default)

    def on(self, switch: str) -> bool:
        """Whether a part of a rule that a version may switch off applies."""
        return switch not in self.switched_off


Check = Callable[[Candidate, Context], Iterable[Problem]]


@dataclass(frozen=True)
class Rule:
    """A named check; versions refer to it by name to switch it off."""

    name: str
    check: Check


def check_all(rules: Iterable[Rule], candidate: Candidate, context: Context) -> list[Problem]:
    """Every problem found by the rules the version keeps, in rule order."""
    problems: list[Problem] = []
    for rule in rules:
        if rule.name not in context.switched_off:
            problems.extend(rule.check(candidate, context))
    return problems
