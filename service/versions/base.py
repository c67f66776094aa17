"""The version mechanism: the domain's vocabulary changed by a chain of deltas, newest first.

Every declaration names fields as the next newer version calls them (the newest version's as
the domain does), so adding a version never touches an older one's declaration. Composition
keeps, for each served version, what its wire names are in the domain's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from domain.errors import Problem
from domain.rules import Policy
from domain.rules.switches import OLDER_BEHAVIOURS, Switch, Wording

VERSION_SEGMENT = re.compile(r"^v[.0-9]+(-pre|-rc)?$")
Renderer = Callable[[Mapping[str, Any]], Any]
EnhancedErrors = Literal["nested", "flat", "none"]


class Endpoint(StrEnum):
    """The endpoints a version may serve, by the last fixed segment of their path."""

    INFO = "info"
    TRAINEES = "trainees"
    PLACEMENTS = "placements"
    DEGREES = "degrees"
    WITHDRAW = "withdraw"
    DEFER = "defer"
    RECOMMEND_FOR_QTS = "recommend-for-qts"
    UPDATE_QTS_OR_EYTS_STATUS = "update-qts-or-eyts-status"
    REFERENCE_DATA = "reference-data"


class ChainError(ValueError):
    """A version declaration that does not fit the chain (raised when the chain is built)."""


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
    """What one version changes, going from the next newer version to it. Field names are
    the next newer version's; `response_added` renders from the domain's document and
    `fields_added` maps this version's name to the domain field it gives back."""

    name: str
    summary: str
    released: date | None = None
    renames: Mapping[str, str] = field(default_factory=dict)
    response_removed: frozenset[str] = frozenset()
    response_added: Mapping[str, Renderer] = field(default_factory=dict)
    request_removed: frozenset[str] = frozenset()
    fields_added: Mapping[str, str] = field(default_factory=dict)
    endpoints_removed: frozenset[Endpoint] = frozenset()
    endpoints_added: frozenset[Endpoint] = frozenset()
    rules_off: frozenset[Switch] = frozenset()
    rules_on: frozenset[Switch] = frozenset()
    messages: Mapping[str, str] = field(default_factory=dict)
    wording: Mapping[Wording, str] = field(default_factory=dict)
    enhanced_errors: EnhancedErrors | None = None
    humanised_labels: bool | None = None
    raw_labels: frozenset[Endpoint] = frozenset()  # endpoints whose messages are not humanised
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApiVersion:
    """Everything a request needs to know about the version it was sent to. `renames` maps
    domain fields to this version's names; the removed sets hold domain names."""

    name: str
    renames: Mapping[str, str] = field(default_factory=dict)
    response_removed: frozenset[str] = frozenset()
    response_added: Mapping[str, Renderer] = field(default_factory=dict)
    request_removed: frozenset[str] = frozenset()
    endpoints_removed: frozenset[Endpoint] = frozenset()
    rules_off: frozenset[Switch] = OLDER_BEHAVIOURS
    wording: Mapping[Wording, str] = field(default_factory=dict)
    enhanced_errors: EnhancedErrors = "nested"
    humanised_labels: bool = False
    raw_labels: frozenset[Endpoint] = frozenset()
    aliases: tuple[str, ...] = ()
    changes: tuple[VersionChange, ...] = ()
    newer: ApiVersion | None = None

    @property
    def is_head(self) -> bool:
        """Whether this version renders stored documents unchanged (the fast path)."""
        return not (self.renames or self.response_removed or self.response_added)

    @property
    def policy(self) -> Policy:
        """What the domain judges this version's requests by."""
        return Policy(off=self.rules_off, wording=self.wording, names=self.renames)

    @property
    def summary(self) -> str:
        """How this version differs from the newest, in short (each older change in turn)."""
        return "; ".join(c.summary for c in self.changes[1:]) or "the current version"

    @property
    def change(self) -> VersionChange | None:
        """This version's own declaration (None for the domain's vocabulary itself)."""
        return self.changes[-1] if self.changes else None

    def serves(self, endpoint: str) -> bool:
        """Whether the endpoint exists in this version."""
        return endpoint not in self.endpoints_removed

    def humanises(self, endpoint: str) -> bool:
        """Whether the endpoint's messages may humanise field names (where the version does)."""
        return endpoint not in self.raw_labels

    def wire_name(self, canonical: str) -> str:
        """The name this version gives a domain field."""
        return self.renames.get(canonical, canonical)

    def domain_name(self, wire: str) -> str | None:
        """The domain field this version's name stands for (None: a name it does not have)."""
        for canonical, renamed in self.renames.items():
            if renamed == wire:
                return canonical
        return None if wire in self.renames else wire

    def canonical_request(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """A request body in this version's vocabulary, renamed to domain fields; names this
        version does not know are ignored, as every unknown key is."""
        inbound = _inverse(self.renames)
        out: dict[str, Any] = {}
        for key, value in data.items():
            canonical = inbound.get(key, None if key in self.renames else key)
            if canonical is not None and canonical not in self.request_removed:
                out[canonical] = value
        return out

    def render(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """A domain trainee document in this version's response vocabulary."""
        if self.is_head:
            return dict(document)
        out = {
            self.renames.get(key, key): value
            for key, value in document.items()
            if key not in self.response_removed
        }
        for key, renderer in self.response_added.items():
            out[key] = renderer(document)
        return out

    def render_some(self, document: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
        """The members of render(document) these domain members give, and every added one
        (which may come from any member): enough to compare two documents that differ in
        those members only."""
        if self.is_head:
            return {name: document[name] for name in names}
        out = {
            self.renames.get(name, name): document[name]
            for name in names
            if name not in self.response_removed
        }
        for key, renderer in self.response_added.items():
            out[key] = renderer(document)
        return out

    def label(self, problem: Problem, *, may_humanise: bool = True) -> str:
        """The field part of a validation message (humanised where the version says so)."""
        wire = self.wire_name(problem.field)
        if problem.saved:  # Rails' own name, in every version: an association's is one name
            return humanise(f"{problem.nested_under}_{wire}" if problem.nested_under else wire)
        if not (self.humanised_labels and may_humanise):
            nested = problem.nested_under == "placements_attributes"
            return f"placements_attributes {wire}" if nested else wire
        if problem.nested_under:
            return f"{humanise(problem.nested_under)} {humanise(wire)}"
        if problem.field in HESA_DETAIL_FIELDS:
            return f"Hesa trainee detail attributes {humanise(wire)}"
        return humanise(wire)

    def _worded(self, problem: Problem, may_humanise: bool) -> tuple[str, bool]:
        """This version's wording and whether some version reworded it on the way here."""
        own = f"{self.label(problem, may_humanise=may_humanise)} {problem.message}"
        if self.newer is None:
            return own, False
        before, reworded = self.newer._worded(problem, may_humanise)
        table = self.change.messages if self.change else {}
        if before in table:
            return table[before], True
        return (before, True) if reworded else (own, False)

    def reworded(self, text: str) -> str:
        """A whole message of the domain's (or the service's) in this version's words."""
        before = self.newer.reworded(text) if self.newer else text
        table = self.change.messages if self.change else {}
        return table.get(before, before)

    def full_message(self, problem: Problem, *, may_humanise: bool = True) -> str:
        """A problem worded as this version words it: each version's table rewords the
        next newer version's wording."""
        return self._worded(problem, may_humanise)[0]

    def older(self, change: VersionChange) -> ApiVersion:
        """The version that differs from this one by the change (ChainError if it does not
        fit: a name this version lacks, two fields given one name, an undeclared switch)."""
        _check_types(change)
        renames = dict(self.renames)
        response_removed, request_removed = set(self.response_removed), set(self.request_removed)
        added = dict(self.response_added)
        for wire in list(added):
            if wire in change.renames:
                added[change.renames[wire]] = added.pop(wire)
        for newer_name, older_name in change.renames.items():
            if newer_name in self.response_added:
                continue
            renames[self._known(newer_name, change, "renames")] = older_name
        for newer_name in change.response_removed:
            if added.pop(newer_name, None) is None:
                response_removed.add(self._known(newer_name, change, "removes"))
        for newer_name in change.request_removed:
            request_removed.add(self._known(newer_name, change, "no longer accepts"))
        for wire, canonical in change.fields_added.items():
            renames[canonical] = wire
            response_removed.discard(canonical)
            request_removed.discard(canonical)
        added.update(change.response_added)
        renames = {k: v for k, v in renames.items() if k != v}
        _check_names(change.name, renames, added)
        for endpoint in change.endpoints_removed:
            if not self.serves(endpoint):
                raise ChainError(f"{change.name} removes {endpoint}, which {self.name} lacks")
        for endpoint in change.endpoints_added:
            if self.serves(endpoint):
                raise ChainError(f"{change.name} adds {endpoint}, which {self.name} serves")
        return ApiVersion(
            name=change.name,
            renames=renames,
            response_removed=frozenset(response_removed),
            response_added=added,
            request_removed=frozenset(request_removed),
            endpoints_removed=(self.endpoints_removed | change.endpoints_removed)
            - change.endpoints_added,
            rules_off=(self.rules_off | change.rules_off) - change.rules_on,
            wording={**self.wording, **change.wording},
            enhanced_errors=change.enhanced_errors or self.enhanced_errors,
            humanised_labels=(
                self.humanised_labels
                if change.humanised_labels is None
                else change.humanised_labels
            ),
            raw_labels=self.raw_labels | change.raw_labels,
            aliases=change.aliases,
            changes=(*self.changes, change),
            newer=self,
        )

    def _known(self, name: str, change: VersionChange, verb: str) -> str:
        canonical = self.domain_name(name)
        if canonical is None:
            raise ChainError(f"{change.name} {verb} {name!r}, a name {self.name} does not have")
        return canonical


def _inverse(renames: Mapping[str, str]) -> dict[str, str]:
    return {wire: canonical for canonical, wire in renames.items()}


def _check_types(change: VersionChange) -> None:
    """Switches, wordings and endpoints must be declared names, not strings."""
    for kind, names, declared in (
        ("switch", change.rules_off | change.rules_on, Switch),
        ("wording", frozenset(change.wording), Wording),
        (
            "endpoint",
            change.endpoints_removed | change.endpoints_added | change.raw_labels,
            Endpoint,
        ),
    ):
        for name in names:
            if not isinstance(name, declared):
                raise ChainError(
                    f"{change.name} names {kind} {name!r}: use one of {declared.__name__}"
                )


def _check_names(version: str, renames: Mapping[str, str], added: Mapping[str, Any]) -> None:
    """No two fields may share a wire name (a field renamed to another's name)."""
    given: dict[str, str] = {}
    for canonical, wire in renames.items():
        if wire in given:
            raise ChainError(f"{version} gives {given[wire]!r} and {canonical!r} one name {wire!r}")
        given[wire] = canonical
    clash = set(added) & set(given)
    if clash:
        raise ChainError(f"{version} both renames a field to and adds {sorted(clash)}")


DOMAIN = ApiVersion(name="domain")
"""The domain's own vocabulary: the root every version's declaration starts from."""


def head_message(problem: Problem) -> str:
    """A problem in the domain's words: `<field> <message>`, placement errors prefixed."""
    prefix = "placements_attributes " if problem.nested_under == "placements_attributes" else ""
    return f"{prefix}{problem.field} {problem.message}"
