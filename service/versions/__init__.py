"""API versions: each is declared as its change from the next newer one, the newest as its
change from the domain's vocabulary; nothing outside this package names a version."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from service.versions import v0_1, v1_0_pre, v2025_0, v2026_0, v2026_1
from service.versions.base import (
    DOMAIN,
    VERSION_SEGMENT,
    ApiVersion,
    ChainError,
    Endpoint,
    VersionChange,
)

CHANGES: tuple[VersionChange, ...] = (
    v2026_1.CHANGE,
    v2026_0.CHANGE,
    v2025_0.CHANGE,
    v1_0_pre.CHANGE,
    v0_1.CHANGE,
)
"""Every served version, newest first; each applies to the one before it in this list."""


def build_chain(changes: Sequence[VersionChange]) -> dict[str, ApiVersion]:
    """Every served URL segment and the version it selects (aliases included), newest first;
    a declaration that does not fit raises ChainError naming the version."""
    if not changes:
        raise ChainError("a chain needs at least one version")
    versions: dict[str, ApiVersion] = {}
    current = DOMAIN
    for change in changes:
        current = current.older(change)
        for segment in (current.name, *current.aliases):
            if segment in versions or not VERSION_SEGMENT.match(segment):
                raise ChainError(f"{segment!r} is declared twice or is not a version segment")
            versions[segment] = current
    return versions


def head_of(versions: Mapping[str, ApiVersion]) -> ApiVersion:
    """The newest version of a chain."""
    return next(iter(versions.values()))


def served(versions: Mapping[str, ApiVersion]) -> list[ApiVersion]:
    """Each version of a chain once, newest first (aliases left out)."""
    return list({id(v): v for v in versions.values()}.values())


VERSIONS: dict[str, ApiVersion] = build_chain(CHANGES)
"""Every served URL segment and the version it selects (aliases included), newest first."""
HEAD = head_of(VERSIONS)

__all__ = [
    "CHANGES",
    "HEAD",
    "VERSIONS",
    "VERSION_SEGMENT",
    "ApiVersion",
    "ChainError",
    "Endpoint",
    "VersionChange",
    "build_chain",
    "head_of",
    "served",
]
