"""Presence, format, length and date rules of a trainee record (domain.md sections 2.2-2.4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from domain.errors import Problem
from domain.rules import Candidate, Context, Rule
from domain.rules.formats import parse_date, parse_int, valid_email

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
    if exempt and ctx.on("study_mode_optional_for_assessment_only"):
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
    if ctx.on("itt_qualification_aim_integer_bug"):
        # v1.0-pre compared the string it received with the integer 202: only blank counted
        if c.text("itt_aim") is None:
            yield Problem("itt_qualification_aim", "can't be blank")
        return
    if c.text("itt_aim") in (None, "202"):
        yield Problem(
            "itt_qualification_aim",
            ctx.message(
                "itt_qualification_aim.blank", "must be entered if 202 selected for itt_aim"
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
    if raw is not None and ctx.on("email_format") and not valid_email(str(raw)):
        yield Problem("email", EMAIL_FORMAT)


def itt_dates(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """ITT dates are ISO 8601 dates; the ITT cannot start after next calendar year."""
    start, end = c.text("itt_start_date"), c.text("itt_end_date")
    if start is not None:
        started = parse_date(start)
        if started is None:
            yield Problem("itt_start_date", INVALID)
        elif started.year > ctx.today.year + 1 and ctx.on("itt_start_date_limit"):
            yield Problem("itt_start_date", "must not be more than one year in the future")
    if end is not None and parse_date(end) is None:
        yield Problem("itt_end_date", INVALID)


def itt_end_date(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The ITT ends within the last 10 and next 5 years, after it starts."""
    start, end = parse_date(c.text("itt_start_date")), parse_date(c.text("itt_end_date"))
    if start is None or end is None:
        return
    window = ctx.on("itt_end_date_window")
    if window and end.year > ctx.today.year + 5:
        yield Problem("itt_end_date", "must be within the next 5 years")
    elif window and end <= years_ago(ctx.today, 10):
        yield Problem("itt_end_date", "must be within the last 10 years")
    elif start >= end and ctx.on("itt_end_after_start"):
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
        or not ctx.on("trainee_start_date_equal_to_itt_start")
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
    elif not ctx.on("date_of_birth_range"):
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


ID_LENGTHS_RULE = Rule("lengths", id_lengths)
ITT_END_DATE = Rule("itt_end_date", itt_end_date)
REQUIRED_RULE = Rule("required", required)
STUDY_MODE = Rule("study_mode_required", study_mode_required)
EMAIL = Rule("email", email)
ITT_DATES = Rule("itt_dates", itt_dates)
TRAINEE_START_DATE = Rule("trainee_start_date", trainee_start_date)
DATE_OF_BIRTH = Rule("date_of_birth", date_of_birth)
HESA_ID = Rule("hesa_id_length", hesa_id_length)
NAME_LENGTHS_RULE = Rule("lengths", name_lengths)
HESA_REQUIRED_RULE = Rule("hesa_required", hesa_required)
QUALIFICATION_AIM = Rule("itt_qualification_aim", qualification_aim)
COURSE_YEAR = Rule("course_year_integer", course_year)

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
