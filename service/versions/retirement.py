"""Versions an operator marks for retirement: Deprecation (RFC 9745), Sunset (RFC 8594) and a
Link to the changelog, on every answer of such a version and in GET /info."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import format_datetime

from service.versions.base import ApiVersion

CHANGELOG = "/api-docs/changelog"


@dataclass(frozen=True)
class Retirement:
    """When a version was deprecated (its successor's release) and when it stops."""

    deprecated: datetime
    sunset: datetime

    def headers(self) -> list[tuple[str, str]]:
        """The response headers announcing it."""
        return [
            ("deprecation", f"@{int(self.deprecated.timestamp())}"),
            ("sunset", format_datetime(self.sunset, usegmt=True)),
            ("link", f'<{CHANGELOG}>; rel="deprecation", <{CHANGELOG}>; rel="sunset"'),
        ]

    def info(self) -> dict[str, str]:
        """The same facts for GET /info."""
        return {
            "deprecated": self.deprecated.isoformat().replace("+00:00", "Z"),
            "sunset": self.sunset.date().isoformat(),
            "changelog": CHANGELOG,
        }


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def retirements(
    versions: Mapping[str, ApiVersion], sunsets: Mapping[str, date]
) -> dict[str, Retirement]:
    """Each marked version by every segment that serves it (aliases too). A version is
    deprecated from its successor's release (the newest: from its sunset day)."""
    marked = {versions[segment].name: day for segment, day in sunsets.items()}
    found: dict[str, Retirement] = {}
    for segment, version in versions.items():
        if version.name not in marked:
            continue
        sunset = _midnight(marked[version.name])
        successor = version.newer.change if version.newer else None
        released = successor.released if successor and successor.name in versions else None
        deprecated = _midnight(released) if released else sunset
        found[segment] = Retirement(deprecated=min(deprecated, sunset), sunset=sunset)
    return found
