"""What a single request value may be: text PostgreSQL can store and a careful client sends, or
a whole number that fits in 64 bits (docs/decisions.md, "Hostile input")."""

from __future__ import annotations

import re

Scalar = str | int | float | None
"""A field's value: text, or a number used as its decimal text; never a boolean, object or
array."""

LINE_LIMIT = 500
PROSE_LIMIT = 10_000
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
PROSE_FIELDS = frozenset({"defer_reason", "another_reason", "safeguarding_concern_reasons"})
"""Free text, where tabs and line breaks belong; every other field is a single line."""

_LINE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PROSE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def storable(value: object, *, prose: bool = False, measured: bool = False) -> bool:
    """Whether a decoded value can be kept: no NUL (PostgreSQL refuses it in text and jsonb) or
    other control character (prose may hold tabs and line breaks), at most LINE_LIMIT characters
    (PROSE_LIMIT for prose), numbers within 64 bits; lists item by item. A `measured` field's
    length rule refuses a longer text that is not blank, in its own words, before it is kept."""
    if isinstance(value, list):
        return all(storable(item, prose=prose) for item in value)
    if isinstance(value, str):
        limit, forbidden = (
            (PROSE_LIMIT, _PROSE_FORBIDDEN) if prose else (LINE_LIMIT, _LINE_FORBIDDEN)
        )
        fits = len(value) <= limit or (measured and bool(value.strip()))
        return fits and forbidden.search(value) is None
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return INT64_MIN <= value <= INT64_MAX
    if isinstance(value, float):  # 1e300 is as far beyond 64 bits as its whole number would be
        return INT64_MIN <= value < INT64_MAX
    return True
