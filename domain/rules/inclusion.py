"""HESA code inclusion: a coded field must hold one of its list's codes (domain.md 0, 2.7, 2.13)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from domain import codes
from domain.errors import Problem
from domain.reference import code_list
from domain.rules import Candidate, Context, Rule
from domain.rules.cycles import known_cycle, trainee_start
from domain.rules.record import trainee_start_date as start_date_problems

MAX_LISTED = 10
INCLUSION = "has invalid reference data value of '{value}'. Valid values are {valid_values}."
INCLUSION_TRUNCATED = (
    "has invalid reference data value of '{value}'. Example values include {valid_values}..."
)


def inclusion_message(value: str, valid: Sequence[str], ctx: Context) -> str:
    """The inclusion message: every valid code when fewer than ten, else the first ten."""
    if len(valid) < MAX_LISTED:
        template, shown = ctx.message("inclusion", INCLUSION), valid
    else:
        template = ctx.message("inclusion_truncated", INCLUSION_TRUNCATED)
        shown = valid[:MAX_LISTED]
    return template.format(value=value, valid_values=", ".join(f"'{v}'" for v in shown))


def code_of(list_name: str, *fields: str) -> Callable[[Candidate, Context], Iterator[Problem]]:
    """A check that each present field holds a code of the list."""

    def check(c: Candidate, ctx: Context) -> Iterator[Problem]:
        listed = code_list(list_name)
        for name in fields:
            value = c.text(name)
            if value is not None and listed.by_code(value) is None:
                yield Problem(name, inclusion_message(value, listed.codes(), ctx))

    check.__doc__ = f"{', '.join(fields)}: codes of the {list_name} list."
    return check


def training_route(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """A supported route, valid in the start year; checked when trainee_start_date is fine."""
    value = c.text("training_route")
    if value is None or (ctx.on("trainee_start_date") and any(start_date_problems(c, ctx))):
        return
    switches = ctx.on("routes_v2026_1"), ctx.on("route_02")
    if codes.route_accepted(value, known_cycle(trainee_start(c)), *switches):
        return
    shown = codes.route_name(value) or value  # a known code is named as the service maps it
    valid = codes.supported_route_codes(*switches)
    yield Problem("training_route", inclusion_message(shown, valid, ctx))


def training_initiative(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """A training initiative code, unless the funding method imposes the initiative."""
    if c.forced_initiative is None:
        yield from code_of("training_initiative", "training_initiative")(c, ctx)


def iqts_country(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """iQTS trainees give a country code; nobody else gives one."""
    value = c.text("iqts_country")
    if c.text("training_route") != codes.IQTS_ROUTE:
        if value is not None:
            yield Problem("iqts_country", "must be blank")
    elif value is None:
        yield Problem("iqts_country", "can't be blank")
    elif code_list("country").by_code(value) is None:
        yield Problem("iqts_country", inclusion_message(value, code_list("country").codes(), ctx))


ETHNICITY = Rule("ethnicity_code", code_of("ethnicity", "ethnicity"))
SEX = Rule("sex_code", code_of("sex", "sex"))
HESA_DETAIL = (
    Rule("itt_aim_code", code_of("itt_aim", "itt_aim")),
    Rule("itt_qualification_aim_code", code_of("itt_qualification_aim", "itt_qualification_aim")),
    Rule("course_age_range_code", code_of("course_age_range", "course_age_range")),
    Rule("funding_method_code", code_of("funding_method", "funding_method")),
    Rule("fund_code_inclusion", code_of("fund_code", "fund_code")),
)
ADDITIONAL_INITIATIVE = Rule(  # the same name as its availability check: both came in v2026.0
    "additional_training_initiative",
    code_of("training_initiative", "additional_training_initiative"),
)
COURSE = (
    Rule("training_route_code", training_route),
    Rule(
        "course_subject_codes",
        code_of("course_subject", "course_subject_1", "course_subject_2", "course_subject_3"),
    ),
    Rule("study_mode_code", code_of("study_mode", "study_mode")),
    Rule("nationality_code", code_of("nationality", "nationality")),
    Rule("training_initiative_code", training_initiative),
)
IQTS_COUNTRY = Rule("iqts_country", iqts_country)
