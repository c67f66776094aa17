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
    "and course_subject_1 is '{subject}'"
)
NOT_IN_CYCLE = (
    "'{funding_type}' is not allowed when training_route is '{training_route}' "
    "and course_subject_1 is '{subject}' in academic cycle '{academic_cycle}'"
)
NOT_AVAILABLE = "'{initiative}' is not available in academic cycle '{academic_cycle}'"


def _route(c: Candidate) -> tuple[str | None, str | None]:
    """The route code sent and its internal name (None when the code is unknown)."""
    code = c.text("training_route")
    return code, codes.route_name(code)


def _funded_routes(cycle: int | None) -> frozenset[str]:
    """The routes with any funding rule in the cycle."""
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
    if name not in _funded_routes(funding_cycle(c, ctx.today)) or not known_age_range:
        yield Problem("fund_code", ctx.message("fund_code.ineligible", FUND_CODE_INELIGIBLE))


def _exception(cycle: int | None, subject: str | None, ctx: Context) -> bool:
    """Language and physics trainees may be funded with fund code 2 in 2025 and 2026 (v2025.0:
    2025 only)."""
    years = FUND_CODE_EXCEPTION_YEARS if ctx.on("fund_code_exception_2026") else {2025}
    if cycle not in years or subject is None:
        return False
    return any(s in FUND_CODE_EXCEPTION_SUBJECTS for s in allocation_subjects_for(subject))


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
    cycle = funding_cycle(c, ctx.today)
    subject_code = c.text("course_subject_1")
    subject = codes.subject_name(subject_code)
    details = {
        "funding_type": funding_type,
        "fund_code": c.text("fund_code") or "",
        "subject": subject or subject_code or "",
        "training_route": route or code,
        "academic_cycle": label(cycle),
    }
    if c.text("fund_code") != ELIGIBLE and not _exception(cycle, subject, ctx):
        message = ctx.message("funding_method.not_eligible_fund_code", NOT_ELIGIBLE_FUND_CODE)
        yield Problem("funding_method", message.format(**details))
    elif not _rule_exists(cycle, funding_type, route, subject):
        message = ctx.message("funding_method.ineligible", NOT_IN_CYCLE)
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


V1_0_PRE_FUNDED_ROUTES = frozenset(
    {
        "provider_led_postgrad",
        "provider_led_undergrad",
        "school_direct_tuition_fee",
        "school_direct_salaried",
    }
)


def fund_code_v1_0_pre(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """v1.0-pre: fund code 7 only for its four funded routes with a known age range."""
    code, name = _route(c)
    if c.text("fund_code") != ELIGIBLE or code is None:
        return
    age_range = c.text("course_age_range")
    known_age_range = age_range is not None and code_list("course_age_range").by_code(age_range)
    if name not in V1_0_PRE_FUNDED_ROUTES or not known_age_range:
        yield Problem("fund_code", "is ineligible")


def funding_method_v1_0_pre(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """v1.0-pre: an award needs fund code 7 and a rule in the current cycle."""
    method = c.text("funding_method")
    funding_type = funding_type_for(method) if method and method != NO_FUNDING else None
    code, route = _route(c)
    if funding_type is None or code is None:
        return
    cycle = ctx.today.year if ctx.today.month >= 8 else ctx.today.year - 1
    subject = codes.subject_name(c.text("course_subject_1"))
    if c.text("fund_code") != ELIGIBLE or not _rule_exists(cycle, funding_type, route, subject):
        yield Problem("funding_method", "is not valid for this trainee")


FUND_CODE = Rule("fund_code", fund_code)
FUNDING_V1_0_PRE = (
    Rule("funding_v1_0_pre", fund_code_v1_0_pre),
    Rule("funding_v1_0_pre", funding_method_v1_0_pre),
)
FUNDING_METHOD = Rule("funding_method", funding_method)
TRAINING_INITIATIVE = Rule("training_initiative_availability", training_initiative)
ADDITIONAL_INITIATIVE = Rule("additional_training_initiative", additional_training_initiative)
