"""Presence, format, length and date rules of a trainee record (domain.md sections 2.2-2.4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from domain.errors import Problem
from domain.rules import Candidate, Context, Rule
from domain.rules.formats import parse_date, parse_int, valid_email
from domain.rules.switches import Switch, Wording

BLANK = "can't be blank"
INVALID = "is invalid"

REQUIRED = (
    "first_names",
    "last_name",
    "date_of_birth",
    "sex",
    "training_route",
    "itt_start_date",
    "itt_end_date",
    "hesa_id",
    "course_subject_1",
)
HESA_REQUIRED = ("itt_aim", "course_year", "course_age_range", "fund_code", "funding_method")
STUDY_MODE_OPTIONAL_ROUTES = frozenset({"16", "17"})
NAME_LENGTHS = {"first_names": 60, "last_name": 60, "middle_names": 60}
ID_LENGTHS = {"provider_trainee_id": 50, "application_id": 7}
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def years_ago(today: date, years: int) -> date:
    """The same day ``years`` years before (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def too_long(c: Candidate, limits: dict[str, int]) -> Iterator[Problem]:
    """Fields longer than their limits."""
    for name, limit in limits.items():
        value = c.text(name)
        if value is not None and len(value) > limit:
            yield Problem(name, f"is too long (maximum is {limit} characters)")


def id_lengths(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The provider's own id and the application id have maximum lengths."""
    yield from too_long(c, ID_LENGTHS)


def name_lengths(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Names have at most 60 characters."""
    yield from too_long(c, NAME_LENGTHS)


def required(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The trainee fields every record needs."""
    for name in REQUIRED:
        if c.text(name) is None:
            yield Problem(name, BLANK)


def study_mode_required(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """study_mode is needed, except for the assessment-only routes."""
    exempt = c.text("training_route") in STUDY_MODE_OPTIONAL_ROUTES
    if exempt and ctx.on(Switch.STUDY_MODE_OPTIONAL_FOR_ASSESSMENT_ONLY):
        return
    if c.text("study_mode") is None:
        yield Problem("study_mode", BLANK)


def hesa_required(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The HESA course and funding fields every record needs."""
    for name in HESA_REQUIRED:
        if c.text(name) is None:
            yield Problem(name, BLANK)


def qualification_aim(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """itt_qualification_aim is needed when itt_aim is 202 or missing."""
    if c.text("itt_qualification_aim") is not None:
        return
    if ctx.on(Switch.ITT_QUALIFICATION_AIM_INTEGER_BUG):
        # the older behaviour compared the string received with the integer 202: only blank counted
        if c.text("itt_aim") is None:
            yield Problem("itt_qualification_aim", "can't be blank")
        return
    if c.text("itt_aim") in (None, "202"):
        yield Problem(
            "itt_qualification_aim",
            ctx.message(
                Wording.ITT_QUALIFICATION_AIM_BLANK, "must be entered if 202 selected for itt_aim"
            ),
        )


def email(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Present, at most 255 characters, and shaped like an address (a blank one is not)."""
    raw = c.values.get("email")
    address = c.text("email")
    if address is None:
        yield Problem("email", BLANK)
    elif len(address) > 255:
        yield Problem("email", "is too long (maximum is 255 characters)")
    if raw is not None and ctx.on(Switch.EMAIL_FORMAT) and not valid_email(str(raw)):
        yield Problem("email", EMAIL_FORMAT)


def itt_dates(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """ITT dates are ISO 8601 dates; the ITT cannot start after next calendar year."""
    start, end = c.text("itt_start_date"), c.text("itt_end_date")
    if start is not None:
        started = parse_date(start)
        if started is None:
            yield Problem("itt_start_date", INVALID)
        elif started.year > ctx.today.year + 1 and ctx.on(Switch.ITT_START_DATE_LIMIT):
            yield Problem("itt_start_date", "must not be more than one year in the future")
    if end is not None and parse_date(end) is None:
        yield Problem("itt_end_date", INVALID)


def itt_end_date(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The ITT ends within the last 10 and next 5 years, after it starts."""
    start, end = parse_date(c.text("itt_start_date")), parse_date(c.text("itt_end_date"))
    if start is None or end is None:
        return
    window = ctx.on(Switch.ITT_END_DATE_WINDOW)
    if window and end.year > ctx.today.year + 5:
        yield Problem("itt_end_date", "must be within the next 5 years")
    elif window and end <= years_ago(ctx.today, 10):
        yield Problem("itt_end_date", "must be within the last 10 years")
    elif start >= end and ctx.on(Switch.ITT_END_AFTER_START):
        yield Problem("itt_end_date", "must be after itt_start_date")


def trainee_start_date(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """A date, not 10 years old; in the future only when it equals the ITT start date."""
    value = c.text("trainee_start_date")
    if value is None:
        return
    started = parse_date(value)
    if started is None:
        yield Problem("trainee_start_date", INVALID)
    elif started <= years_ago(ctx.today, 10):
        yield Problem("trainee_start_date", "Cannot be more than 10 years in the past")
    elif started > ctx.today and (
        started != parse_date(c.text("itt_start_date"))
        or not ctx.on(Switch.TRAINEE_START_DATE_EQUAL_TO_ITT_START)
    ):
        yield Problem("trainee_start_date", "must be in the past")


def date_of_birth(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """A date; born at least 16 and less than 100 years ago."""
    value = c.text("date_of_birth")
    if value is None:
        return
    born = parse_date(value)
    if born is None:
        yield Problem("date_of_birth", INVALID)
    elif not ctx.on(Switch.DATE_OF_BIRTH_RANGE):
        return
    elif born <= years_ago(ctx.today, 100):
        yield Problem("date_of_birth", INVALID)
    elif born > ctx.today:
        yield Problem("date_of_birth", "must be in the past")
    elif born > years_ago(ctx.today, 16):
        yield Problem("date_of_birth", "cannot be less than 16 years ago")


def hesa_id_length(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The HESA student identifier has 13 or 17 characters."""
    hesa_id = c.text("hesa_id")
    if hesa_id is not None and len(hesa_id) not in (13, 17):
        yield Problem("hesa_id", "must be 13 or 17 characters")


def course_year(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """course_year must be a whole number."""
    if c.text("course_year") is not None and parse_int(c.values.get("course_year")) is None:
        yield Problem("course_year", "is not a valid course year")


ID_LENGTHS_RULE = Rule(Switch.LENGTHS, id_lengths)
ITT_END_DATE = Rule(Switch.ITT_END_DATE, itt_end_date)
REQUIRED_RULE = Rule(Switch.REQUIRED, required)
STUDY_MODE = Rule(Switch.STUDY_MODE_REQUIRED, study_mode_required)
EMAIL = Rule(Switch.EMAIL, email)
ITT_DATES = Rule(Switch.ITT_DATES, itt_dates)
TRAINEE_START_DATE = Rule(Switch.TRAINEE_START_DATE, trainee_start_date)
DATE_OF_BIRTH = Rule(Switch.DATE_OF_BIRTH, date_of_birth)
HESA_ID = Rule(Switch.HESA_ID_LENGTH, hesa_id_length)
NAME_LENGTHS_RULE = Rule(Switch.LENGTHS, name_lengths)
HESA_REQUIRED_RULE = Rule(Switch.HESA_REQUIRED, hesa_required)
QUALIFICATION_AIM = Rule(Switch.ITT_QUALIFICATION_AIM, qualification_aim)
COURSE_YEAR = Rule(Switch.COURSE_YEAR_INTEGER, course_year)

RULES = (
    ITT_END_DATE,
    ID_LENGTHS_RULE,
    REQUIRED_RULE,
    STUDY_MODE,
    EMAIL,
    ITT_DATES,
    TRAINEE_START_DATE,
    DATE_OF_BIRTH,
    HESA_ID,
    NAME_LENGTHS_RULE,
    HESA_REQUIRED_RULE,
    QUALIFICATION_AIM,
    COURSE_YEAR,
)
