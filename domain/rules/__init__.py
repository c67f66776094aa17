"""Validation rules for a trainee record: each a named check that a policy may switch off."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from domain.errors import Problem
from domain.rules.switches import OLDER_BEHAVIOURS, Switch, Wording


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


@dataclass(frozen=True)
class Policy:
    """How a request is judged: the switches its API version turned and its rule wordings."""

    off: frozenset[Switch] = OLDER_BEHAVIOURS
    wording: Mapping[Wording, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)  # domain field: the client's name

    def on(self, switch: Switch) -> bool:
        """Whether a rule, or a part of one, applies."""
        return switch not in self.off

    def name(self, field_name: str) -> str:
        """The name the client knows a field by, for messages that name another field."""
        return self.names.get(field_name, field_name)


@dataclass(frozen=True)
class Context:
    """What a rule may depend on besides the record: the day, the policy, the register."""

    today: date
    policy: Policy = field(default_factory=Policy)
    register: Register = field(default_factory=Register)

    def message(self, key: Wording, default: str) -> str:
        """The policy's wording for a message, defaulting to the newest wording."""
        return self.policy.wording.get(key, default)

    def on(self, switch: Switch) -> bool:
        """Whether a part of a rule that a policy may switch off applies."""
        return self.policy.on(switch)


Check = Callable[[Candidate, Context], Iterable[Problem]]


@dataclass(frozen=True)
class Rule:
    """A named check; a policy refers to it by its switch to turn it off."""

    name: Switch
    check: Check


def check_all(rules: Iterable[Rule], candidate: Candidate, context: Context) -> list[Problem]:
    """Every problem found by the rules the version keeps, in rule order."""
    problems: list[Problem] = []
    for rule in rules:
        if context.on(rule.name):
            problems.extend(rule.check(candidate, context))
    return problems
