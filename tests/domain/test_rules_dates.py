"""Date, cycle and degree rules over their spaces of values (domain.md 2.4, 2.11, 5.1)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.rules import Candidate, Context
from domain.rules.cycles import cycle_year, funding_cycle, known_cycle, month_later
from domain.rules.nested import degree_problems, duplicate_key, graduation_year
from domain.rules.record import itt_end_date, trainee_start_date, years_ago

TODAY = date(2026, 11, 28)
CTX = Context(TODAY)
UK = {"grade": "02", "subject": "100485", "institution": "0117", "uk_degree": "083"}


def messages(check, **values: object) -> list[str]:
    return [f"{p.field} {p.message}" for p in check(Candidate(values, {}), CTX)]


@given(st.dates())
def test_cycle_year_starts_on_the_first_of_august(day):
    assert cycle_year(day) == (day.year if day >= date(day.year, 8, 1) else day.year - 1)


@given(st.dates(max_value=date(9998, 12, 31)))
def test_month_later_is_the_same_day_next_month_or_its_last_day(day):
    later = month_later(day)
    assert later.month == day.month % 12 + 1 and 28 <= (later - day).days <= 31


@given(st.dates(min_value=date(2010, 1, 1), max_value=date(2035, 12, 31)))
def test_funding_cycle_is_the_start_cycle_when_the_cycle_exists(start):
    c = Candidate({"itt_start_date": start.isoformat()}, {})
    year = cycle_year(start)
    assert funding_cycle(c, TODAY) == (year if 2015 <= year <= 2030 else None)
    assert known_cycle(start) == funding_cycle(c, TODAY)


def test_funding_cycle_without_dates_is_a_month_from_today():
    assert funding_cycle(Candidate({}, {}), date(2026, 7, 15)) == 2026
    assert funding_cycle(Candidate({}, {}), date(2026, 6, 30)) == 2025


@given(st.dates(min_value=years_ago(TODAY, 10) + timedelta(days=1), max_value=TODAY))
def test_trainee_start_date_within_the_last_10_years_is_accepted(day):
    assert messages(trainee_start_date, trainee_start_date=day.isoformat()) == []


@given(st.dates(min_value=date(1900, 1, 1), max_value=years_ago(TODAY, 10)))
def test_trainee_start_date_10_years_back_or_more_is_refused(day):
    assert messages(trainee_start_date, trainee_start_date=day.isoformat()) == [
        "trainee_start_date Cannot be more than 10 years in the past"
    ]


@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(2040, 1, 1)))
def test_trainee_start_date_in_the_future_only_when_it_is_the_itt_start(day):
    assert messages(trainee_start_date, trainee_start_date=day.isoformat()) == [
        "trainee_start_date must be in the past"
    ]
    assert (
        messages(
            trainee_start_date, trainee_start_date=day.isoformat(), itt_start_date=day.isoformat()
        )
        == []
    )


@given(st.dates(min_value=date(2032, 1, 1), max_value=date(2100, 1, 1)))
def test_itt_end_date_after_the_fifth_year_from_now_is_refused(end):
    assert messages(itt_end_date, itt_start_date="2026-09-01", itt_end_date=end.isoformat()) == [
        "itt_end_date must be within the next 5 years"
    ]


@given(st.dates(min_value=years_ago(TODAY, 10) + timedelta(days=1), max_value=date(2031, 12, 31)))
def test_itt_end_date_in_the_window_must_follow_the_start(end):
    found = messages(itt_end_date, itt_start_date="2020-01-01", itt_end_date=end.isoformat())
    refused = ["itt_end_date must be after itt_start_date"]
    assert found == ([] if end > date(2020, 1, 1) else refused)


@given(st.integers(min_value=TODAY.year + 1 - 60, max_value=TODAY.year + 1))
def test_degree_graduation_year_in_the_last_60_years_is_accepted(year):
    for value in (year, str(year), f"{year}-06-30"):
        assert list(degree_problems({**UK, "graduation_year": value}, CTX)) == []


@given(st.integers(min_value=TODAY.year + 2, max_value=99999))
def test_degree_graduation_year_in_the_future_is_both_future_and_invalid(year):
    found = [p.message for p in degree_problems({**UK, "graduation_year": year}, CTX)]
    assert found == ["must be in the past, for example 2014", "is invalid"]


@given(st.text(alphabet="abc -/", min_size=1, max_size=6).filter(str.strip))
def test_degree_graduation_year_without_a_number_is_invalid(value):
    assert graduation_year(value) is None
    found = [p.message for p in degree_problems({**UK, "graduation_year": value}, CTX)]
    assert found == ["is invalid"]


@given(st.sampled_from(["01", "02", "03", "14"]), st.integers(min_value=1990, max_value=2020))
def test_degree_duplicate_key_ignores_how_a_year_or_grade_is_written(grade, year):
    one = {**UK, "grade": "09" if grade == "14" else grade, "graduation_year": f"{year}-01-01"}
    other = {**UK, "grade": grade, "graduation_year": year}
    assert duplicate_key(one) == duplicate_key(other)
