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
    "first_names", "last_name", "date_of_birth", "sex", "email", "training_route",
    "itt_start_date", "itt_end_date", "course_subject_1", "study_mode", "hesa_id", "itt_aim",
    "course_year", "course_age_range", "fund_code", "funding_method",
)  # fmt: skip
STUDY_MODE_OPTIONAL_ROUTES = frozenset({"16", "17"})
DATES = ("date_of_birth", "itt_start_date", "itt_end_date", "trainee_start_date")
MAX_LENGTHS = {"first_names": 60, "middle_names": 60, "last_name": 60, "provider_trainee_id": 50}


def _years_ago(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def required(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Fields every record needs; study_mode is optional for assessment-only routes."""
    for name in REQUIRED:
        if (
            name == "study_mode"
            and c.text("training_route") in STUDY_MODE_OPTIONAL_ROUTES
            and "study_mode_optional_for_assessment_only" not in ctx.switched_off
        ):
            continue
        if c.text(name) is None:
            yield Problem(name, BLANK)


def qualification_aim(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """itt_qualification_aim is needed when itt_aim is 202 or missing."""
    if c.text("itt_qualification_aim") is None and c.text("itt_aim") in (None, "202"):
        yield Problem(
            "itt_qualification_aim",
            ctx.message(
                "itt_qualification_aim.blank", "must be entered if 202 selected for itt_aim"
            ),
        )


def email_format(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """A present e-mail address must look like one."""
    email = c.text("email")
    if email is not None and (len(email) > 255 or not valid_email(email)):
        yield Problem(
            "email", "Enter an email address in the correct format, like name@example.com"
        )


def date_formats(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Dates must be ISO 8601 calendar dates."""
    for name in DATES:
        value = c.text(name)
        if value is not None and parse_date(value) is None:
            yield Problem(name, INVALID)


def lengths(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Names, the provider's id and the application id have maximum lengths."""
    for name, limit in MAX_LENGTHS.items():
        value = c.text(name)
        if value is not None and len(value) > limit:
            yield Problem(name, f"is too long (maximum is {limit} characters)")
    application_id = c.text("application_id")
    if application_id is not None and len(application_id) > 7:
        yield Problem("application_id", "is too long (maximum is 7 characters)")


def hesa_id_length(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The HESA student identifier has 13 or 17 characters."""
    hesa_id = c.text("hesa_id")
    if hesa_id is not None and len(hesa_id) not in (13, 17):
        yield Problem("hesa_id", "must be 13 or 17 characters")


def course_year(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """course_year must be a whole number."""
    value = c.values.get("course_year")
    if c.text("course_year") is not None and parse_int(value) is None:
        yield Problem("course_year", "is not a valid course year")


def date_of_birth_range(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Born at least 16 and at most 100 years ago."""
    born = parse_date(c.text("date_of_birth"))
    if born is None:
        return
    if born < _years_ago(ctx.today, 100):
        yield Problem("date_of_birth", INVALID)
    elif born > ctx.today:
        yield Problem("date_of_birth", "must be in the past")
    elif born > _years_ago(ctx.today, 16):
        yield Problem("date_of_birth", "cannot be less than 16 years ago")


def itt_start_not_too_late(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The ITT cannot start after next calendar year."""
    start = parse_date(c.text("itt_start_date"))
    if start is not None and start.year > ctx.today.year + 1:
        yield Problem("itt_start_date", "must not be more than one year in the future")


def itt_end_window(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The ITT end is within the last 10 and next 5 years."""
    start, end = parse_date(c.text("itt_start_date")), parse_date(c.text("itt_end_date"))
    if start is None or end is None:
        return
    if end.year > ctx.today.year + 5:
        yield Problem("itt_end_date", "must be within the next 5 years")
    elif end < _years_ago(ctx.today, 10):
        yield Problem("itt_end_date", "must be within the last 10 years")


def itt_end_after_start(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The ITT ends after it starts."""
    start, end = parse_date(c.text("itt_start_date")), parse_date(c.text("itt_end_date"))
    if start is not None and end is not None and start >= end:
        yield Problem("itt_end_date", "must be after itt_start_date")


def trainee_start_date(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """Not older than 10 years; in the future only when it equals the ITT start date."""
    started = parse_date(c.text("trainee_start_date"))
    if started is None:
        return
    if started < _years_ago(ctx.today, 10):
        yield Problem("trainee_start_date", "Cannot be more than 10 years in the past")
    elif started > ctx.today and started != parse_date(c.text("itt_start_date")):
        yield Problem("trainee_start_date", "must be in the past")


RULES = (
    Rule("required", required),
    Rule("itt_qualification_aim", qualification_aim),
    Rule("email_format", email_format),
    Rule("date_formats", date_formats),
    Rule("lengths", lengths),
    Rule("hesa_id_length", hesa_id_length),
    Rule("course_year_integer", course_year),
    Rule("date_of_birth_range", date_of_birth_range),
    Rule("itt_start_date_limit", itt_start_not_too_late),
    Rule("itt_end_date_window", itt_end_window),
    Rule("itt_end_after_start", itt_end_after_start),
    Rule("trainee_start_date", trainee_start_date),
)
