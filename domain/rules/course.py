"""Course subject and age-range rules: primary, early years, duplicates (domain.md 2.7)."""

from __future__ import annotations

from collections.abc import Iterator

from domain import codes
from domain.errors import Problem
from domain.rules import Candidate, Context, Rule
from domain.rules.switches import Switch, Wording

EARLY_YEARS_AGE_RANGE = "13920"


def _subject(c: Candidate, name: str) -> tuple[str, str] | None:
    """A sent subject as the original compares it: its internal name, or the unknown code."""
    code = c.text(name)
    if code is None:
        return None
    known = codes.subject_name(code)
    return ("subject", known) if known else ("unknown", code)


def _primary(c: Candidate) -> bool:
    """A primary age range: the oldest pupils are at most 11, and it is not 0 to 5."""
    ages = codes.age_range(c.text("course_age_range") or "")
    return ages is not None and ages[1] <= 11 and ages != (0, 5)


def primary_subject(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """A primary course (not early years) has primary teaching as its first subject."""
    route = c.text("training_route")
    first = _subject(c, "course_subject_1")
    if not _primary(c) or codes.early_years_route(route) or first is None:
        return
    if first != ("subject", codes.PRIMARY_TEACHING):
        yield Problem(
            "course_subject_1",
            ctx.message(
                Wording.COURSE_SUBJECT_PRIMARY,
                "is invalid. It should be `100511` for the course_age_range provided",
            ),
        )


def early_years_subject(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """An early-years route has early years teaching as its first subject."""
    first = _subject(c, "course_subject_1")
    early_years = codes.early_years_route(c.text("training_route")) and ctx.on(Switch.EARLY_YEARS)
    if early_years and first is not None and first != ("subject", codes.EARLY_YEARS_TEACHING):
        yield Problem(
            "course_subject_1", "is invalid. It should be `100510` for the training_route provided"
        )


def subject_duplicates(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The second and third subjects repeat no earlier one (early-years routes exempt)."""
    if codes.early_years_route(c.text("training_route")):
        return
    first, second, third = (_subject(c, f"course_subject_{n}") for n in (1, 2, 3))
    duplicate = ctx.message(Wording.COURSE_SUBJECT_DUPLICATE, "might contain duplicate values")
    if second is not None and second == first:
        yield Problem("course_subject_2", duplicate)
    if third is not None and third in (first, second):
        yield Problem("course_subject_3", duplicate)


def early_years_age_range(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """0 to 5 (13920) is the age range of early-years routes, and only of them."""
    age_range, route = c.text("course_age_range"), c.text("training_route")
    if age_range is None or route is None or codes.route_name(route) is None:
        return
    if not ctx.on(Switch.EARLY_YEARS):
        return
    if codes.early_years_route(route):
        if age_range != EARLY_YEARS_AGE_RANGE:
            yield Problem(
                "course_age_range",
                "is invalid. It should be `13920` for the training_route provided",
            )
    elif age_range == EARLY_YEARS_AGE_RANGE:
        yield Problem(
            "course_age_range", "is invalid. It can only be used for early years training routes"
        )


PRIMARY_SUBJECT = Rule(Switch.PRIMARY_SUBJECT, primary_subject)
EARLY_YEARS_SUBJECT = Rule(Switch.EARLY_YEARS_SUBJECT, early_years_subject)
SUBJECT_DUPLICATES = Rule(Switch.COURSE_SUBJECT_DUPLICATES, subject_duplicates)
EARLY_YEARS_AGE_RANGE_RULE = Rule(Switch.EARLY_YEARS_AGE_RANGE, early_years_age_range)
