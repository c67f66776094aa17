"""API versions: the head (v2026.1) and each older version as its change from the next newer one."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

VERSION_SEGMENT = re.compile(r"^v[.0-9]+(-pre|-rc)?$")

Renderer = Callable[[Mapping[str, Any]], Any]


@dataclass(frozen=True)
class VersionChange:
    """What one version changes, going from the next newer version to it."""

    name: str
    renames: Mapping[str, str] = field(default_factory=dict)
    response_removed: frozenset[str] = frozenset()
    response_added: Mapping[str, Renderer] = field(default_factory=dict)
    request_removed: frozenset[str] = frozenset()
    endpoints_removed: frozenset[str] = frozenset()
    rules_off: frozenset[str] = frozenset()
    rules_on: frozenset[str] = frozenset()
    messages: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ApiVersion:
    """Everything a request needs to know about the version it was sent to."""

    name: str
    renames: Mapping[str, str]
    response_removed: frozenset[str]
    response_added: Mapping[str, Renderer]
    request_removed: frozenset[str]
    endpoints_removed: frozenset[str]
    rules_off: frozenset[str]
    messages: Mapping[str, str]

    @property
    def is_head(self) -> bool:
        """Whether this version speaks the canonical vocabulary unchanged."""
        return not (self.renames or self.response_removed or self.response_added)

    def wire_name(self, canonical: str) -> str:
        """The name this version gives a canonical field."""
        return self.renames.get(canonical, canonical)

    def canonical_request(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """A request body in this version's vocabulary, renamed to canonical fields."""
        back = {wire: canonical for canonical, wire in self.renames.items()}
        renamed_away = set(self.renames)
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key in renamed_away or key in self.request_removed:
                continue  # a newer name this version does not know: ignored, as unknown keys are
            out[back.get(key, key)] = value
        return out

    def render(self, document: Mapping[str, Any]) -> dict[str, Any]:
        """A canonical trainee document in this version's response vocabulary."""
        out: dict[str, Any] = {}
        for key, value in document.items():
            if key not in self.response_removed:
                out[self.renames.get(key, key)] = value
        for key, renderer in self.response_added.items():
            out[key] = renderer(document)
        return out

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
        )


HEAD = ApiVersion(
    name="v2026.1",
    renames={},
    response_removed=frozenset(),
    response_added={},
    request_removed=frozenset(),
    endpoints_removed=frozenset(),
    rules_off=frozenset(),
    messages={},
)

CHANGES: tuple[VersionChange, ...] = ()
"""Older versions, newest first, each as its change from the one before it in this list."""


def _build() -> dict[str, ApiVersion]:
    versions = {HEAD.name: HEAD}
    current = HEAD
    for change in CHANGES:
        current = current.older(change)
        versions[current.name] = current
    return versions


VERSIONS: dict[str, ApiVersion] = _build()
