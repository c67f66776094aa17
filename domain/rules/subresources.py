"""Rules of the placement and degree endpoints (domain.md 2.11, 2.12)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping

from domain.errors import Problem
from domain.rules import Context
from domain.rules.nested import degree_problems, placement_problems, text
from domain.values import Degree

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?|GIR) ?[0-9][A-Z]{2}$", re.IGNORECASE)
DEGREE_KEYS = ("subject", "graduation_year", "country", "uk_degree", "non_uk_degree", "grade")


def placement_body_problems(
    item: Mapping[str, object], schools: Collection[str] = frozenset()
) -> Iterator[Problem]:
    """A placement sent to the placements endpoint: URN, name and a UK postcode."""
    yield from placement_problems(item, schools)
    postcode = text(item, "postcode")
    if postcode is not None and not _POSTCODE.match(postcode.strip()):
        yield Problem("postcode", "Enter a valid postcode (for example, BN1 1AA)")


def degree_body_problems(item: Mapping[str, object], ctx: Context) -> list[Problem]:
    """A degree sent to the degrees endpoint."""
    return list(degree_problems(item, ctx))


def duplicates_of(new: Degree, existing: Iterable[Degree]) -> list[Degree]:
    """Other degrees that match every detail the new degree gives."""
    wanted = {key: getattr(new, key) for key in DEGREE_KEYS if getattr(new, key) not in (None, "")}
    return [
        d
        for d in existing
        if d.degree_id != new.degree_id
        and all(getattr(d, key) == value for key, value in wanted.items())
    ]
