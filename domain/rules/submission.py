"""The second stage of a create: the original's UI section checks (domain.md 2.9, api.md 7.5).

Only the checks that a record passing the attribute rules can still fail are reproduced; the
others are listed, with the reason, in docs/rules.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from domain import codes
from domain.errors import DomainError, Problem
from domain.rules import Candidate, Context, Rule, check_all
from domain.rules.diversity import disability_codes
from domain.rules.formats import parse_date
from domain.rules.record import years_ago
from domain.rules.switches import Switch

DISABLED_WITHOUT_DISABILITIES = "Trainee has been disclosed as disabled but no disabilities exist"
END_BEFORE_START = "The Expected end date must be after the start date"
NAMES_TOO_LONG = {
    "first_names": "First name must be 60 characters or fewer",
    "last_name": "Last name must be 60 characters or fewer",
    "middle_names": "Middle name must be 60 characters or fewer",
}
BORN_IN_FUTURE = "Enter a date of birth that is in the past, for example 31 3 1980"
BORN_YEAR_NOT_FOUR_DIGITS = "The year must include 4 numbers"
BORN_UNDER_16 = "Enter a valid date of birth, trainee cannot be younger than 16 years old"
BORN_TOO_LONG_AGO = "Enter a valid date of birth"


@dataclass
class SubmissionFailed(DomainError):
    """The record passed the attribute rules but not the section checks; nothing was recorded."""

    sections: dict[str, dict[str, list[str]]] = field(default_factory=dict)


def disabilities_listed(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """A trainee disclosed as disabled has a disability (98 with 99 are "disabled" without)."""
    sent = disability_codes(c.disabilities, c.creating)
    names = codes.disability_names(sent)
    if codes.disability_disclosure(sent) == "disabled" and not codes.real_disabilities(names):
        yield Problem("disability_ids", DISABLED_WITHOUT_DISABILITIES)


def personal_details(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Names of at most 60 characters; born in the past, 16 to 100 years ago (first failing)."""
    for name, message in NAMES_TOO_LONG.items():
        value = c.text(name)
        if value is not None and len(value) > 60:
            yield Problem(name, message)
    born = parse_date(c.text("date_of_birth"))
    if born is None:  # a missing or unreadable date is the attribute rules' to report
        return
    if born > ctx.today:
        yield Problem("date_of_birth", BORN_IN_FUTURE)
    elif born.year < 1000:
        yield Problem("date_of_birth", BORN_YEAR_NOT_FOUR_DIGITS)
    elif born > years_ago(ctx.today, 16):
        yield Problem("date_of_birth", BORN_UNDER_16)
    elif born <= years_ago(ctx.today, 100):
        yield Problem("date_of_birth", BORN_TOO_LONG_AGO)


def course_dates(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The course ends after it starts (the attribute rules check it where a version does)."""
    start, end = parse_date(c.text("itt_start_date")), parse_date(c.text("itt_end_date"))
    if start is not None and end is not None and end <= start:
        yield Problem("itt_end_date", END_BEFORE_START)


SECTIONS: tuple[tuple[str, Rule], ...] = (
    ("personal_details", Rule(Switch.SUBMISSION_PERSONAL_DETAILS, personal_details)),
    ("diversity", Rule(Switch.SUBMISSION_DIVERSITY, disabilities_listed)),
    ("course_details", Rule(Switch.SUBMISSION_COURSE_DETAILS, course_dates)),
)


def submission_problems(c: Candidate, ctx: Context) -> dict[str, dict[str, list[str]]]:
    """The failing sections, each mapping its fields to their messages, in section order."""
    failed: dict[str, dict[str, list[str]]] = {}
    for section, rule in SECTIONS:
        for problem in check_all((rule,), c, ctx):
            failed.setdefault(section, {}).setdefault(problem.field, []).append(problem.message)
    return failed


def check_submission(c: Candidate, ctx: Context) -> None:
    """Raise SubmissionFailed with every failing section."""
    if failed := submission_problems(c, ctx):
        raise SubmissionFailed(failed)
