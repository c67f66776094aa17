"""The version mechanism: a version is the head vocabulary changed by a chain of deltas."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from domain.errors import Problem

VERSION_SEGMENT = re.compile(r"^v[.0-9]+(-pre|-rc)?$")
Renderer = Callable[[Mapping[str, Any]], Any]
EnhancedErrors = Literal["nested", "flat", "none"]

HESA_DETAIL_FIELDS = frozenset(
    {
        "itt_aim",
        "itt_qualification_aim",
        "course_year",
        "course_age_range",
        "fund_code",
        "funding_method",
        "ni_number",
        "previous_last_name",
        "pg_apprenticeship_start_date",
        "additional_training_initiative",
    }
)
HUMANISED = {"hesa_id": "Hesa", "disabilities": "Trainee disabilities attributes"}


def humanise(name: str) -> str:
    """Rails' humanised attribute name: `first_names` is `First names`."""
    return HUMANISED.get(name, name.replace("_", " ").capitalize())


@dataclass(frozen=True)
class VersionChange:
    """What one version changes, going from the next newer version to it."""

    name: str
    summary: str
    renames: Mapping[str, str] = field(default_factory=dict)
    response_removed: frozenset[str] = frozenset()
    response_added: Mapping[str, Renderer] = field(default_factory=dict)
    request_removed: frozenset[str] = frozenset()
    endpoints_removed: frozenset[str] = frozenset()
    rules_off: frozenset[str] = frozenset()
    rules_on: frozenset[str] = frozenset()
    messages: Mapping[str, str] = field(default_factory=dict)
    enhanced_errors: EnhancedErrors | None = None
    humanised_labels: bool | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApiVersion:
    """Everything a request needs to know about the version it was sent to."""

    name: str
    renames: Mapping[str, str] = field(default_factory=dict)
    response_removed: frozenset[str] = frozenset()
    response_added: Mapping[str, Renderer] = field(default_factory=dict)
    request_removed: frozenset[str] = frozenset()
    endpoints_removed: frozenset[str] = frozenset()
    rules_off: frozenset[str] = frozenset()
    messages: Mapping[str, str] = field(default_factory=dict)
    enhanced_errors: EnhancedErrors = "nested"
    humanised_labels: bool = False
    aliases: tuple[str, ...] = ()
    changes: tuple[VersionChange, ...] = ()

    @property
    def is_head(self) -> bool:
        """Whether this version renders documents unchanged."""
        return not (self.renames or self.response_removed or self.response_added)

    def serves(self, endpoint: str) -> bool:
        """Whether the endpoint exists in this version."""
        return endpoint not in self.endpoints_removed

    def wire_name(self, canonical: str) -> str:
        """The name this version gives a canonical field."""
        return self.renames.get(canonical, canonical)

    def canonical_request(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """A request body in this version's vocabulary, renamed to canonical fields; names
        this version does not know are ignored, as every unknown key is."""
        back = {wire: canonical for canonical, wire in self.renames.items()}
        unknown = set(self.renames) | self.request_removed
        return {back.get(k, k): v for k, v in data.items() if k not in unknown}

    def render(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """A canonical trainee document in this version's response vocabulary."""
        out = {
            self.renames.get(key, key): value
            for key, value in document.items()
            if key not in self.response_removed
        }
        for key, renderer in self.response_added.items():
            out[key] = renderer(document)
        return out

    def label(self, problem: Problem, *, may_humanise: bool = True) -> str:
        """The field part of a validation message (humanised in the oldest version)."""
        wire = self.wire_name(problem.field)
        if not (self.humanised_labels and may_humanise):
            nested = problem.nested_under == "placements_attributes"
            return f"placements_attributes {wire}" if nested else wire
        if problem.nested_under:
            return f"{humanise(problem.nested_under)} {humanise(wire)}"
        if problem.field in HESA_DETAIL_FIELDS:
            return f"Hesa trainee detail attributes {humanise(wire)}"
        return humanise(wire)

    def full_message(self, problem: Problem, *, may_humanise: bool = True) -> str:
        """A problem worded as this version words it; the message table is keyed by the
        head (v2026.1) wording."""
        head = head_message(problem)
        if head in self.messages:
            return self.messages[head]
        return f"{self.label(problem, may_humanise=may_humanise)} {problem.message}"

    def older(self, change: VersionChange) -> ApiVersion:
        """The version that differs from this one by the change."""
        renames = {}
        for canonical in set(self.renames) | set(change.renames):
            wire = self.renames.get(canonical, canonical)
            renames[canonical] = change.renames.get(wire, wire)
        return ApiVersion(
            name=change.name,
            renames={k: v for k, v in renames.items() if k != v},
            response_removed=self.response_removed | change.response_removed,
            response_added={**self.response_added, **change.response_added},
            request_removed=self.request_removed | change.request_removed,
            endpoints_removed=self.endpoints_removed | change.endpoints_removed,
            rules_off=(self.rules_off | change.rules_off) - change.rules_on,
            messages={**self.messages, **change.messages},
            enhanced_errors=change.enhanced_errors or self.enhanced_errors,
            humanised_labels=(
                self.humanised_labels
                if change.humanised_labels is None
                else change.humanised_labels
            ),
            aliases=change.aliases,
            changes=(*self.changes, change),
        )


def head_message(problem: Problem) -> str:
    """A problem as v2026.1 words it: `<field> <message>`, placement errors prefixed."""
    prefix = "placements_attributes " if problem.nested_under == "placements_attributes" else ""
    return f"{prefix}{problem.field} {problem.message}"
