"""API versions: v2026.1 is the head; each older version is its change from the next newer one."""

from __future__ import annotations

from domain.rules import OLDER_BEHAVIOURS
from service.versions import v0_1, v1_0_pre, v2025_0, v2026_0
from service.versions.base import VERSION_SEGMENT, ApiVersion, VersionChange

HEAD = ApiVersion(name="v2026.1", rules_off=OLDER_BEHAVIOURS)
CHANGES: tuple[VersionChange, ...] = (
    v2026_0.CHANGE,
    v2025_0.CHANGE,
    v1_0_pre.CHANGE,
    v0_1.CHANGE,
)
"""Older versions, newest first; each applies to the version before it in this list."""


def _build() -> dict[str, ApiVersion]:
    versions = {HEAD.name: HEAD}
    current = HEAD
    for change in CHANGES:
        current = current.older(change)
        versions[current.name] = current
    for version in list(versions.values()):
        for alias in version.aliases:
            versions[alias] = version
    return versions


VERSIONS: dict[str, ApiVersion] = _build()
"""Every served URL segment and the version it selects (aliases included)."""

__all__ = ["HEAD", "VERSIONS", "VERSION_SEGMENT", "ApiVersion", "VersionChange"]
