"""Code, course and funding rules over their spaces of values (domain.md 2.5-2.8, 2.13)."""

from __future__ import annotations

from datetime import date

from hypothesis import assume, given
from hypothesis import strategies as st

from domain.details import candidate
from domain.reference import allocation_subjects_for, code_list
from domain.rules import Context, check_all
from domain.rules.catalogue import TRAINEE_RULES
from domain.rules.inclusion import inclusion_message
from tests.domain.records import TODAY, VALID

DEGREE = {
    "grade": "02",
    "subject": "100485",
    "institution": "0117",
    "uk_degree": "083",
    "graduation_year": "2003",
}
EXCEPTION_SUBJECTS = {
    "Ancient languages",
    "Modern languages",
    "French language",
    "German language",
    "Spanish language",
    "Physics",
}


def problems(disabilities: dict[str, str] | None = None, **overrides: object) -> list[str]:
    sent = {k: v for k, v in {**VALID, **overrides}.items() if v is not None}
    c = candidate(None, sent, disabilities or {}, (), (DEGREE,))
    return [f"{p.field} {p.message}" for p in check_all(TRAINEE_RULES, c, Context(TODAY))]


codes_lists = st.lists(st.text("0123456789AB", min_size=1, max_size=4), unique=True, max_size=30)


@given(codes_lists.map(sorted), st.text(min_size=1, max_size=5))
def test_inclusion_message_lists_all_codes_below_ten_else_the_first_ten(valid, value):
    message = inclusion_message(value, valid, Context(TODAY))
    shown = ", ".join(f"'{v}'" for v in valid[:10])
    if len(valid) < 10:
        assert message == (
            f"has invalid reference data value of '{value}'. Valid values are {shown}."
        )
    else:
        assert message.endswith(f"Example values include {shown}...")


@given(st.sampled_from(code_list("sex").codes()))
def test_sex_code_any_listed_code_is_accepted(code):
    assert problems(sex=code) == []


@given(st.text(alphabet="0123456789XYZ", min_size=1, max_size=3))
def test_sex_code_any_unlisted_code_is_refused_with_the_list(code):
    assume(code_list("sex").by_code(code) is None)
    assert problems(sex=code) == [
        f"sex has invalid reference data value of '{code}'. "
        "Valid values are '10', '11', '12', '96', '99'."
    ]


@given(st.sampled_from(code_list("course_age_range").codes()))
def test_primary_subject_is_required_exactly_for_primary_age_ranges(age_range):
    entry = code_list("course_age_range").by_code(age_range)
    assert entry is not None and entry.max_age is not None
    primary = entry.max_age <= 11 and age_range != "13920"
    message = "course_subject_1 is invalid. It should be `100511` for the course_age_range provided"
    assert (message in problems(course_age_range=age_range)) is primary


@given(st.dates(min_value=date(2016, 12, 1), max_value=date(2026, 7, 31)))
def test_training_route_code_12_needs_a_start_from_the_2022_cycle(start):
    found = problems(itt_start_date=start.isoformat(), itt_end_date="2027-08-31")
    refused = any(p.startswith("training_route has invalid") for p in found)
    assert refused is (start < date(2022, 8, 1))


@given(st.sampled_from(code_list("course_subject").codes()), st.sampled_from([2024, 2025, 2026]))
def test_funding_method_fund_code_exception_only_for_its_subjects_and_years(subject, year):
    name = code_list("course_subject").by_code(subject).id  # type: ignore[union-attr]
    found = problems(
        funding_method="D",
        course_subject_1=subject,
        itt_start_date=f"{year}-09-01",
        itt_end_date=f"{year + 1}-07-31",
        course_age_range="13918",
    )
    excepted = year in (2025, 2026) and bool(
        EXCEPTION_SUBJECTS.intersection(allocation_subjects_for(str(name)))
    )
    not_eligible = (
        f"funding_method 'bursary' is not allowed when fund_code is '2' and "
        f"course_subject_1 is '{name}'"
    )
    assert (not_eligible in found) is not excepted


real_disabilities = st.sampled_from(["51", "53", "54", "55", "56", "57", "58", "59", "96"])


@given(st.lists(real_disabilities, min_size=1, max_size=9))
def test_disabilities_unique_exactly_when_no_code_repeats(codes):
    sent = {f"disability{n}": code for n, code in enumerate(codes, start=1)}
    duplicated = len(set(codes)) < len(codes)
    assert ("disabilities contain duplicate values" in problems(sent)) is duplicated


@given(st.lists(st.text("0123456789", min_size=2, max_size=2), max_size=9))
def test_disabilities_unknown_codes_are_never_refused(codes):
    unknown = [c for c in codes if code_list("disability").by_code(c) is None]
    sent = {f"disability{n}": code for n, code in enumerate(unknown, start=1)}
    assert problems(sent) == []
