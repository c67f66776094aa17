"""Validation rules for a trainee record: each a named check that a version may switch off."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from domain.errors import Problem


@dataclass(frozen=True)
class Candidate:
    """A trainee record about to be saved: the merged raw values by canonical field name."""

    values: Mapping[str, object]
    disabilities: Mapping[str, str]
    placements: tuple[Mapping[str, object], ...] = ()
    degrees: tuple[Mapping[str, object], ...] = ()
    creating: bool = True

    def text(self, name: str) -> str | None:
        """The value as text, or None when absent or blank."""
        value = self.values.get(name)
        if value is None:
            return None
        text = str(value)
        return text if text.strip() else None


@dataclass(frozen=True)
class Context:
    """What a rule may depend on besides the record: the day and the version's switches."""

    today: date
    switched_off: frozenset[str] = frozenset()
    messages: Mapping[str, str] = field(default_factory=dict)

    def message(self, key: str, default: str) -> str:
        """The version's wording for a message, defaulting to the head wording."""
        return self.messages.get(key, default)


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
