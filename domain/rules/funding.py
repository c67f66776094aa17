"""Funding and initiative rules, looked up in the trainee's academic cycle (domain.md 2.8)."""

from __future__ import annotations

from collections.abc import Iterator

from domain import codes
from domain.errors import Problem
from domain.reference import (
    allocation_subjects_for,
    code_list,
    funding_rows,
    funding_type_for,
    initiatives_for_cycle,
)
from domain.rules import Candidate, Context, Rule
from domain.rules.cycles import funding_cycle, label
from domain.rules.switches import Switch, Wording

ELIGIBLE = "7"
NO_FUNDING = "6"
FUND_CODE_EXCEPTION_YEARS = frozenset({2025, 2026})
FUND_CODE_EXCEPTION_SUBJECTS = frozenset(
    {
        "Ancient languages",
        "Modern languages",
        "French language",
        "German language",
        "Spanish language",
        "Physics",
    }
)
FUND_CODE_INELIGIBLE = "is not valid for this trainee"
NOT_ELIGIBLE_FUND_CODE = (
    "'{funding_type}' is not allowed when fund_code is '{fund_code}' "
    "and {subject_field} is '{subject}'"
)
NOT_IN_CYCLE = (
    "'{funding_type}' is not allowed when training_route is '{training_route}' "
    "and {subject_field} is '{subject}' in academic cycle '{academic_cycle}'"
)
NOT_AVAILABLE = "'{initiative}' is not available in academic cycle '{academic_cycle}'"
FIXED_FUNDED_ROUTES = frozenset(
    {
        "provider_led_postgrad",
        "provider_led_undergrad",
        "school_direct_tuition_fee",
        "school_direct_salaried",
    }
)
"""The routes fund code 7 was open to before funding followed the academic cycle's rules
(the older behaviour Switch.FUNDING_FIXED_ROUTES)."""


def _route(c: Candidate) -> tuple[str | None, str | None]:
    """The route code sent and its internal name (None when the code is unknown)."""
    code = c.text("training_route")
    return code, codes.route_name(code)


def _funded_routes(cycle: int | None, ctx: Context) -> frozenset[str]:
    """The routes with any funding rule in the cycle (older: a fixed list)."""
    if ctx.on(Switch.FUNDING_FIXED_ROUTES):
        return FIXED_FUNDED_ROUTES
    if cycle is None:
        return frozenset()
    return frozenset(rule.training_route for rule in funding_rows(cycle))


def fund_code(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Fund code 7 needs a route funded in the trainee's cycle and a known age range."""
    code, name = _route(c)
    if c.text("fund_code") != ELIGIBLE or code is None:
        return
    age_range = c.text("course_age_range")
    known_age_range = age_range is not None and code_list("course_age_range").by_code(age_range)
    if name not in _funded_routes(funding_cycle(c, ctx.today), ctx) or not known_age_range:
        yield Problem("fund_code", ctx.message(Wording.FUND_CODE_INELIGIBLE, FUND_CODE_INELIGIBLE))


def _exception(cycle: int | None, subject: str | None, ctx: Context) -> bool:
    """Language and physics trainees may be funded with fund code 2 in 2025 and 2026 (older:
    2025 only, or never)."""
    if not ctx.on(Switch.FUND_CODE_EXCEPTION):
        return False
    years = FUND_CODE_EXCEPTION_YEARS if ctx.on(Switch.FUND_CODE_EXCEPTION_2026) else {2025}
    if cycle not in years or subject is None:
        return False
    return any(s in FUND_CODE_EXCEPTION_SUBJECTS for s in allocation_subjects_for(subject))


def _cycle(c: Candidate, ctx: Context) -> int | None:
    """The cycle whose funding rules apply: the trainee's (older: today's)."""
    if ctx.on(Switch.FUNDING_CURRENT_CYCLE):
        return ctx.today.year if ctx.today.month >= 8 else ctx.today.year - 1
    return funding_cycle(c, ctx.today)


def _rule_exists(
    cycle: int | None, funding_type: str, route: str | None, subject: str | None
) -> bool:
    """Whether a funding rule gives this type for the route and subject in the cycle."""
    if cycle is None or route is None or subject is None:
        return False
    allocation = set(allocation_subjects_for(subject))
    rows = funding_rows(cycle, funding_type=funding_type, training_route=route)
    return any(rule.allocation_subject in allocation for rule in rows)


def funding_method(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """A bursary, scholarship or grant needs fund code 7 (or the exception) and a rule."""
    method = c.text("funding_method")
    funding_type = funding_type_for(method) if method and method != NO_FUNDING else None
    code, route = _route(c)
    if funding_type is None or code is None:
        return
    cycle = _cycle(c, ctx)
    subject_code = c.text("course_subject_1")
    subject = codes.subject_name(subject_code)
    details = {
        "funding_type": funding_type,
        "fund_code": c.text("fund_code") or "",
        "subject": subject or subject_code or "",
        "subject_field": ctx.policy.name("course_subject_1"),
        "training_route": route or code,
        "academic_cycle": label(cycle),
    }
    if c.text("fund_code") != ELIGIBLE and not _exception(cycle, subject, ctx):
        message = ctx.message(Wording.FUNDING_METHOD_NOT_ELIGIBLE_FUND_CODE, NOT_ELIGIBLE_FUND_CODE)
        yield Problem("funding_method", message.format(**details))
    elif not _rule_exists(cycle, funding_type, route, subject):
        message = ctx.message(Wording.FUNDING_METHOD_INELIGIBLE, NOT_IN_CYCLE)
        yield Problem("funding_method", message.format(**details))


def _unavailable(
    name: str, initiative: str | None, c: Candidate, ctx: Context
) -> Iterator[Problem]:
    if initiative is None or initiative == codes.NO_INITIATIVE:
        return
    cycle = funding_cycle(c, ctx.today)
    if initiative not in (initiatives_for_cycle(cycle) if cycle is not None else ()):
        message = NOT_AVAILABLE.format(initiative=initiative, academic_cycle=label(cycle))
        yield Problem(name, message)


def training_initiative(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The training initiative is offered in the trainee's cycle."""
    initiative = c.forced_initiative or codes.initiative_name(c.text("training_initiative"))
    yield from _unavailable("training_initiative", initiative, c, ctx)


def additional_training_initiative(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The additional training initiative is offered in the trainee's cycle."""
    initiative = codes.initiative_name(c.text("additional_training_initiative"))
    yield from _unavailable("additional_training_initiative", initiative, c, ctx)


FUND_CODE = Rule(Switch.FUND_CODE, fund_code)
FUNDING_METHOD = Rule(Switch.FUNDING_METHOD, funding_method)
TRAINING_INITIATIVE = Rule(Switch.TRAINING_INITIATIVE_AVAILABILITY, training_initiative)
ADDITIONAL_INITIATIVE = Rule(Switch.ADDITIONAL_TRAINING_INITIATIVE, additional_training_initiative)
