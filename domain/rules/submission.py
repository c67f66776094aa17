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
from domain.rules.switches import Switch

DISABLED_WITHOUT_DISABILITIES = "Trainee has been disclosed as disabled but no disabilities exist"
END_BEFORE_START = "The Expected end date must be after the start date"


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


def course_dates(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The course ends after it starts (the attribute rules check it where a version does)."""
    start, end = parse_date(c.text("itt_start_date")), parse_date(c.text("itt_end_date"))
    if start is not None and end is not None and end <= start:
        yield Problem("itt_end_date", END_BEFORE_START)


SECTIONS: tuple[tuple[str, Rule], ...] = (
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
