"""Query parameters of the audit API and page, checked with clear messages."""

from __future__ import annotations

from datetime import datetime

from service.versions import HEAD, VERSIONS, ApiVersion


class BadParameter(ValueError):
    """A query parameter that cannot be used; the message says why."""


def vocabulary(value: str | None) -> ApiVersion:
    """The API version whose field names to use (default: the newest)."""
    if not value:
        return HEAD
    found = VERSIONS.get(value)
    if found is None:
        served = ", ".join(VERSIONS)
        raise BadParameter(f"vocabulary {value!r} is not a served API version ({served})")
    return found


def moment(name: str, value: str | None) -> datetime | None:
    """An ISO 8601 time with its offset, such as 2026-03-01T12:00:00Z."""
    if value is None or value == "":
        return None
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        raise BadParameter(
            f"{name} must be an ISO 8601 time such as 2026-03-01T12:00:00Z, got {value!r}"
        ) from None
    if parsed.tzinfo is None:
        raise BadParameter(f"{name} needs a time zone (such as Z or +01:00), got {value!r}")
    return parsed


def whole(name: str, value: str | None, *, least: int, most: int | None = None) -> int | None:
    """A whole number within bounds."""
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 18:
        raise BadParameter(f"{name} must be a whole number, got {value!r}")
    number = int(value)
    if number < least or (most is not None and number > most):
        bound = f"from {least} to {most}" if most is not None else f"at least {least}"
        raise BadParameter(f"{name} must be {bound}, got {number}")
    return number


def plain(name: str, value: str, most: int = 500) -> str:
    """A text parameter: printable, and not longer than `most` characters."""
    if len(value) > most or not value.isprintable():
        raise BadParameter(f"{name} must be printable text of at most {most} characters")
    return value
