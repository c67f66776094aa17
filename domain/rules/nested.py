"""Rules for placements and degrees sent inside a trainee record (domain.md 2.6, 2.11, 2.12)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from domain.errors import Problem
from domain.rules import Candidate, Context, Rule
from domain.rules.formats import parse_date, parse_int

UK_COUNTRIES = frozenset({"XF", "XG", "XH", "XI", "XK"})
UNDERGRAD_ROUTES = frozenset({"09", "11", "14", "18"})
NOT_APPLICABLE_URNS = frozenset({"900000", "900010", "900020", "900030"})
_URN = re.compile(r"^\d{6}$")


def text(item: Mapping[str, object], name: str) -> str | None:
    """A nested value as text, None when absent or blank."""
    value = item.get(name)
    if value is None or not str(value).strip():
        return None
    return str(value).strip()


def is_uk_degree(item: Mapping[str, object]) -> bool:
    """UK when the country is blank or a UK country, or an institution is given."""
    country = text(item, "country")
    return country is None or country in UK_COUNTRIES or text(item, "institution") is not None


def graduation_year(value: object) -> int | None:
    """A graduation year from YYYY, a number or a YYYY-MM-DD date."""
    if isinstance(value, str) and len(value.strip()) == 10:
        day = parse_date(value)
        return day.year if day else None
    year = parse_int(value)
    return year if year is not None and 1000 <= year <= 9999 else None


def degree_problems(item: Mapping[str, object], ctx: Context) -> Iterator[Problem]:
    """Problems of one degree, named by the degree's own field names."""
    either = "must be entered if specifying a previous UK degree or non-UK degree"
    for name in ("subject", "graduation_year"):
        if text(item, name) is None:
            yield Problem(name, either)
    if is_uk_degree(item):
        if text(item, "uk_degree") is None:
            yield Problem("uk_degree", "must be entered if specifying a previous UK degree")
        if text(item, "grade") is None:
            yield Problem("grade", either)
    else:
        if text(item, "non_uk_degree") is None:
            yield Problem("non_uk_degree", "must be entered if specifying a previous non-UK degree")
    raw_year = item.get("graduation_year")
    if text(item, "graduation_year") is not None:
        year = graduation_year(raw_year)
        next_year = ctx.today.year + 1
        if year is None:
            yield Problem("graduation_year", "is invalid")
        elif year > next_year:
            yield Problem("graduation_year", "must be in the past, for example 2014")
        elif year < next_year - 60:
            yield Problem("graduation_year", "is invalid")


def placement_problems(item: Mapping[str, object]) -> Iterator[Problem]:
    """Problems of one placement: a six-digit URN, a name unless the URN says it all."""
    urn = text(item, "urn")
    if urn is not None and not _URN.match(urn):
        yield Problem("urn", "is invalid")
    if text(item, "name") is None and urn not in NOT_APPLICABLE_URNS:
        yield Problem("name", "can't be blank")


def degrees_required(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Postgraduate routes need at least one degree on create."""
    route = c.text("training_route")
    if c.creating and route is not None and route not in UNDERGRAD_ROUTES and not c.degrees:
        yield Problem(
            "degrees_attributes", "must be entered if specifying a postgraduate training_route"
        )


def nested_items(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Each nested degree and placement is valid."""
    for degree in c.degrees:
        for p in degree_problems(degree, ctx):
            yield Problem(p.field, p.message, nested_under="degrees_attributes")
    for placement in c.placements:
        for p in placement_problems(placement):
            yield Problem(p.field, p.message, nested_under="placements_attributes")


RULES = (Rule("degrees_required", degrees_required), Rule("nested_items", nested_items))
