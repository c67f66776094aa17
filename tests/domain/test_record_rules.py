"""Presence, format and date rules of a trainee record (domain.md 2.2-2.4)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.rules import Candidate, Context, Policy, check_all
from domain.rules.formats import parse_date, valid_email
from domain.rules.record import RULES
from domain.rules.switches import OLDER_BEHAVIOURS, Switch
from tests.domain.records import TODAY, VALID


def problems(**overrides: object) -> list[str]:
    values = {**VALID, **overrides}
    found = check_all(RULES, Candidate(values, {}), Context(today=TODAY))
    return [f"{p.field} {p.message}" for p in found]


def test_a_complete_record_has_no_problem() -> None:
    assert problems() == []


def test_a_blank_required_field_cannot_be_blank() -> None:
    assert problems(last_name="  ") == ["last_name can't be blank"]


def test_study_mode_is_required_for_a_fee_funded_route() -> None:
    assert problems(study_mode=None) == ["study_mode can't be blank"]


def test_study_mode_is_optional_for_early_years_assessment_only() -> None:
    assert problems(study_mode=None, training_route="17") == []


def test_a_version_can_switch_the_assessment_only_exemption_off() -> None:
    values = {**VALID, "study_mode": None, "training_route": "16"}
    off = OLDER_BEHAVIOURS | {Switch.STUDY_MODE_OPTIONAL_FOR_ASSESSMENT_ONLY}
    context = Context(today=TODAY, policy=Policy(off=off))
    assert [p.field for p in check_all(RULES, Candidate(values, {}), context)] == ["study_mode"]


def test_qualification_aim_is_required_when_itt_aim_is_missing() -> None:
    assert "itt_qualification_aim must be entered if 202 selected for itt_aim" in problems(
        itt_aim=""
    )


def test_the_hesa_id_has_13_or_17_characters() -> None:
    assert problems(hesa_id="123") == ["hesa_id must be 13 or 17 characters"]
    assert problems(hesa_id="1" * 17) == []


def test_names_are_at_most_60_characters() -> None:
    assert problems(first_names="a" * 61) == ["first_names is too long (maximum is 60 characters)"]


def test_the_application_id_is_at_most_7_characters() -> None:
    assert problems(application_id=12345678) == [
        "application_id is too long (maximum is 7 characters)"
    ]


def test_a_trainee_must_be_at_least_16() -> None:
    assert problems(date_of_birth="2015-01-01") == [
        "date_of_birth cannot be less than 16 years ago"
    ]


def test_a_birth_date_in_the_future_must_be_in_the_past() -> None:
    assert problems(date_of_birth="2027-01-01") == ["date_of_birth must be in the past"]


def test_a_birth_date_over_100_years_ago_is_invalid() -> None:
    assert problems(date_of_birth="1900-01-01") == ["date_of_birth is invalid"]


def test_the_itt_cannot_start_after_next_year() -> None:
    assert "itt_start_date must not be more than one year in the future" in problems(
        itt_start_date="2028-09-01", itt_end_date="2029-07-31"
    )


def test_the_itt_ends_after_it_starts() -> None:
    assert problems(itt_end_date="2026-09-01") == ["itt_end_date must be after itt_start_date"]


def test_the_itt_end_is_within_the_next_5_years() -> None:
    assert problems(itt_end_date="2032-07-31") == ["itt_end_date must be within the next 5 years"]


def test_a_future_trainee_start_must_equal_the_itt_start() -> None:
    assert problems(trainee_start_date="2026-12-01") == ["trainee_start_date must be in the past"]
    assert problems(itt_start_date="2026-12-01", trainee_start_date="2026-12-01") == []


def test_a_trainee_start_over_10_years_ago_is_refused() -> None:
    assert problems(trainee_start_date="2010-01-01") == [
        "trainee_start_date Cannot be more than 10 years in the past"
    ]


@given(st.dates(min_value=date(1927, 1, 1), max_value=date(2010, 11, 28)))
def test_any_birth_date_between_16_and_99_years_ago_is_accepted(born: date) -> None:
    assert problems(date_of_birth=born.isoformat()) == []


@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(2100, 1, 1)))
def test_any_birth_date_after_today_is_refused(born: date) -> None:
    assert problems(date_of_birth=born.isoformat()) == ["date_of_birth must be in the past"]


@given(st.dates(min_value=date(1000, 1, 1)))
def test_iso_dates_parse_in_all_three_forms(day: date) -> None:
    assert parse_date(day.isoformat()) == day
    assert parse_date(day.strftime("%Y%m%d")) == day
    assert parse_date(day.isoformat() + "T10:00:00Z") == day


@given(st.text(max_size=12).filter(lambda s: "@" not in s))
def test_text_without_an_at_sign_is_no_email(text: str) -> None:
    assert not valid_email(text)


def test_common_email_forms_are_accepted() -> None:
    assert valid_email("Name.Surname+tag@Example.co.uk")
    assert not valid_email("name@localhost")
    assert not valid_email("a..b@example.com")
