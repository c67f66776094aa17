"""Rules for placements and degrees sent inside a trainee record (domain.md 2.6, 2.11, 2.12)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from datetime import datetime

from domain import codes
from domain.errors import Problem, ValidationFailed
from domain.reference import code_list
from domain.rules import Candidate, Context, Rule
from domain.rules.inclusion import inclusion_message
from domain.rules.switches import Switch, Wording

UK_COUNTRIES = frozenset({"XF", "XG", "XH", "XI", "XK"})
UNDERGRAD_ROUTES = frozenset({"09", "11", "14", "18"})
NOT_APPLICABLE_URNS = frozenset({"900000", "900010", "900020", "900030"})
_URN = re.compile(r"[0-9]{6}")
_LEADING_INTEGER = re.compile(r"\s*([+-]?[0-9]{1,18})")  # more digits: already far too late
EITHER = "must be entered if specifying a previous UK degree or non-UK degree"
UK_DEGREE_BLANK = "must be entered if specifying a previous UK degree"
NON_UK_DEGREE_BLANK = "must be entered if specifying a previous non-UK degree"
DEGREE_WORDINGS = frozenset(
    {
        Wording.DEGREE_BLANK,
        Wording.UK_DEGREE_BLANK,
        Wording.GRADUATION_YEAR_FUTURE,
        Wording.GRADUATION_YEAR_INVALID,
    }
)


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
    """The year of a graduation_year (YYYY, a number, YYYY-MM-DD): its leading whole number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str) and (found := _LEADING_INTEGER.match(value)):
        return int(found.group(1))
    return None


def _known(list_name: str, code: str | None) -> bool:
    return code is not None and code_list(list_name).by_code(code) is not None


def _code_problem(name: str, list_name: str, code: str | None, ctx: Context) -> Iterator[Problem]:
    if code is not None and not _known(list_name, code):
        yield Problem(name, inclusion_message(code, code_list(list_name).codes(), ctx))


def graduation_year_problems(item: Mapping[str, object], ctx: Context) -> Iterator[Problem]:
    """A graduation year given is at most next year and at most 60 years before it."""
    year, next_year = graduation_year(item.get("graduation_year")) or 0, ctx.today.year + 1
    if year > next_year:
        future = "must be in the past, for example 2014"
        yield Problem("graduation_year", ctx.message(Wording.GRADUATION_YEAR_FUTURE, future))
    if not next_year - 60 <= year <= next_year:
        yield Problem("graduation_year", ctx.message(Wording.GRADUATION_YEAR_INVALID, "is invalid"))


def degree_problems(item: Mapping[str, object], ctx: Context) -> Iterator[Problem]:
    """Problems of one degree by its own field names; an unknown subject or grade is missing."""

    def blank(field_name: str, message: str, key: Wording = Wording.DEGREE_BLANK) -> Problem:
        return Problem(field_name, ctx.message(key, message))

    if text(item, "graduation_year") is None:
        yield blank("graduation_year", EITHER)
    elif not ctx.on(Switch.GRADUATION_YEAR_AT_SAVE):
        yield from graduation_year_problems(item, ctx)
    if not _known("degree_subject", text(item, "subject")):
        yield blank("subject", EITHER)
    uk = is_uk_degree(item)
    if not uk:
        yield from _code_problem("country", "country", text(item, "country"), ctx)
    if uk:
        if text(item, "uk_degree") is None:
            yield blank("uk_degree", UK_DEGREE_BLANK, Wording.UK_DEGREE_BLANK)
        if not _known("degree_grade", codes.grade(text(item, "grade"))):
            yield blank("grade", EITHER)
        yield from _code_problem("uk_degree", "degree_type", text(item, "uk_degree"), ctx)
    else:
        if text(item, "non_uk_degree") is None:
            yield blank("non_uk_degree", NON_UK_DEGREE_BLANK)
        yield from _code_problem("non_uk_degree", "degree_type", text(item, "non_uk_degree"), ctx)


def check_degrees_at_save(
    degrees: Iterable[Mapping[str, object]], ctx: Context, *, nested: bool
) -> None:
    """Where a version checks graduation years as the degrees are saved (after every other
    check passed), raise ValidationFailed with each year outside the window."""
    if not ctx.on(Switch.GRADUATION_YEAR_AT_SAVE):
        return
    problems = [
        Problem(p.field, p.message, nested_under="degrees" if nested else None, saved=True)
        for degree in degrees
        if text(degree, "graduation_year") is not None
        for p in graduation_year_problems(degree, ctx)
    ]
    if problems:
        raise ValidationFailed(problems)


def placement_problems(
    item: Mapping[str, object], schools: Collection[str] = frozenset()
) -> Iterator[Problem]:
    """Problems of one placement: a six-digit URN; a name unless a school or magic URN."""
    raw = item.get("urn")
    urn = str(raw) if raw is not None else ""
    if urn.strip() and not _URN.fullmatch(urn):
        yield Problem("urn", "is invalid")
    if text(item, "name") is None and urn not in NOT_APPLICABLE_URNS and urn not in schools:
        yield Problem("name", "can't be blank")


def _label(list_name: str, code: str | None) -> str | None:
    entry = code_list(list_name).by_code(code) if code else None
    if entry is None:
        return None
    return (entry.name or entry.display_name) if list_name == "country" else entry.display_name


def _year_key(value: object) -> object:
    if isinstance(value, str):
        try:
            return datetime.strptime(value, "%Y-%m-%d").year
        except ValueError:
            return value
    return value


def duplicate_key(item: Mapping[str, object]) -> tuple[tuple[str, object], ...]:
    """What two degrees of a request are compared on: mapped details, blanks and unknowns out."""
    uk = is_uk_degree(item)
    details: dict[str, object] = {
        "subject": _label("degree_subject", text(item, "subject")),
        "graduation_year": _year_key(item.get("graduation_year")),
        "country": None if uk else _label("country", text(item, "country")),
        "uk_degree": _label("degree_type", text(item, "uk_degree")),
        "non_uk_degree": _label("degree_type", text(item, "non_uk_degree")),
        "grade": _label("degree_grade", codes.grade(text(item, "grade"))),
    }
    return tuple((k, v) for k, v in details.items() if v is not None and str(v).strip())


def degrees_required(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Postgraduate routes need at least one degree."""
    route = c.text("training_route")
    if route is not None and route not in UNDERGRAD_ROUTES and not c.degrees:
        yield Problem(
            "degrees_attributes", "must be entered if specifying a postgraduate training_route"
        )


def degrees_unique(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Two degrees of one request cannot have the same details."""
    if not c.creating:
        return
    keys = Counter(key for degree in c.degrees if (key := duplicate_key(degree)))
    if any(n > 1 for n in keys.values()):
        yield Problem("degrees_attributes", "contains duplicate degrees")


def nested_items(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Each placement and degree sent with a new trainee is valid."""
    if not c.creating:
        return
    for placement in c.placements:
        for p in placement_problems(placement, ctx.register.schools.keys()):
            yield Problem(p.field, p.message, nested_under="placements_attributes")
    for degree in c.degrees:
        for p in degree_problems(degree, ctx):
            yield Problem(p.field, p.message, nested_under="degrees_attributes")


DEGREES_REQUIRED = Rule(Switch.DEGREES_REQUIRED, degrees_required)
DEGREES_UNIQUE = Rule(Switch.DUPLICATE_DEGREES_IN_REQUEST, degrees_unique)
NESTED_ITEMS = Rule(Switch.NESTED_ITEMS, nested_items)
RULES = (DEGREES_REQUIRED, DEGREES_UNIQUE, NESTED_ITEMS)
