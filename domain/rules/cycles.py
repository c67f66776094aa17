"""Academic cycles (1 August to 31 July) as the rules use them (domain.md 5.1)."""

from __future__ import annotations

import calendar
from datetime import date

from domain.reference import academic_cycle_label
from domain.rules import Candidate
from domain.rules.formats import parse_date

FIRST_CYCLE, LAST_CYCLE = 2015, 2030  # the original seeds cycles 2015 to 2016 ... 2030 to 2031


def cycle_year(day: date) -> int:
    """The start year of the academic cycle containing the day."""
    return day.year if day.month >= 8 else day.year - 1


def known_cycle(day: date | None) -> int | None:
    """The start year of the day's cycle when that cycle exists, else None."""
    if day is None:
        return None
    year = cycle_year(day)
    return year if FIRST_CYCLE <= year <= LAST_CYCLE else None


def month_later(day: date) -> date:
    """The same day a month later, clamped to the month's end."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def trainee_start(c: Candidate) -> date | None:
    """When the trainee starts: trainee_start_date, else itt_start_date; None if unparseable."""
    return parse_date(c.text("trainee_start_date") or c.text("itt_start_date"))


def funding_cycle(c: Candidate, today: date) -> int | None:
    """The cycle funding rules look in: the trainee's start, else a month from today."""
    return known_cycle(trainee_start(c) or month_later(today))


def label(year: int | None) -> str:
    """The cycle's label ("2025 to 2026"); empty when there is no such cycle."""
    return academic_cycle_label(year) if year is not None else ""
