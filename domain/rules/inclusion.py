"""HESA code inclusion: a coded field must hold one of its list's codes (domain.md 0, 2.7, 2.13)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from domain import codes
from domain.errors import Problem
from domain.reference import code_list
from domain.rules import Candidate, Context, Rule
from domain.rules.cycles import known_cycle, trainee_start
from domain.rules.record import trainee_start_date as start_date_problems
from domain.rules.switches import Switch, Wording

MAX_LISTED = 10
INCLUSION = "has invalid reference data value of '{value}'. Valid values are {valid_values}."
INCLUSION_TRUNCATED = (
    "has invalid reference data value of '{value}'. Example values include {valid_values}..."
)


def inclusion_message(value: str, valid: Sequence[str], ctx: Context) -> str:
    """The inclusion message: every valid code when fewer than ten, else the first ten."""
    if len(valid) < MAX_LISTED:
        template, shown = ctx.message(Wording.INCLUSION, INCLUSION), valid
    else:
        template = ctx.message(Wording.INCLUSION_TRUNCATED, INCLUSION_TRUNCATED)
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
    if value is None or (ctx.on(Switch.TRAINEE_START_DATE) and any(start_date_problems(c, ctx))):
        return
    switches = ctx.on(Switch.NEWER_ROUTES), ctx.on(Switch.ROUTE_02)
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


ETHNICITY = Rule(Switch.ETHNICITY_CODE, code_of("ethnicity", "ethnicity"))
SEX = Rule(Switch.SEX_CODE, code_of("sex", "sex"))
HESA_DETAIL = (
    Rule(Switch.ITT_AIM_CODE, code_of("itt_aim", "itt_aim")),
    Rule(
        Switch.ITT_QUALIFICATION_AIM_CODE, code_of("itt_qualification_aim", "itt_qualification_aim")
    ),
    Rule(Switch.COURSE_AGE_RANGE_CODE, code_of("course_age_range", "course_age_range")),
    Rule(Switch.FUNDING_METHOD_CODE, code_of("funding_method", "funding_method")),
    Rule(Switch.FUND_CODE_INCLUSION, code_of("fund_code", "fund_code")),
)
ADDITIONAL_INITIATIVE = Rule(  # the same switch as its availability check: one version added both
    Switch.ADDITIONAL_TRAINING_INITIATIVE,
    code_of("training_initiative", "additional_training_initiative"),
)
COURSE = (
    Rule(Switch.TRAINING_ROUTE_CODE, training_route),
    Rule(
        Switch.COURSE_SUBJECT_CODES,
        code_of("course_subject", "course_subject_1", "course_subject_2", "course_subject_3"),
    ),
    Rule(Switch.STUDY_MODE_CODE, code_of("study_mode", "study_mode")),
    Rule(Switch.NATIONALITY_CODE, code_of("nationality", "nationality")),
    Rule(Switch.TRAINING_INITIATIVE_CODE, training_initiative),
)
IQTS_COUNTRY = Rule(Switch.IQTS_COUNTRY, iqts_country)
