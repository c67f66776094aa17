"""The reference-data lookups the record derivations need, in domain terms."""

from __future__ import annotations

from collections.abc import Iterable

from domain.reference import code_list, ethnic_group_for, not_applicable_urns

EARLY_YEARS_ROUTES = frozenset({"17", "18", "19", "20"})
EARLY_YEARS_AGE_RANGE = "13920"
NOT_PROVIDED = "Not provided"
_NOT_DISCLOSED_BACKGROUNDS = frozenset({NOT_PROVIDED, "information_refused"})
_INSTITUTION_ALIASES = {"0133": "0149"}
_GRADE_ALIASES = {"09": "14"}


def ethnic_background(code: str) -> str | None:
    """The ethnic background a HESA ethnicity code stands for."""
    entry = code_list("ethnicity").by_code(code)
    return entry.name if entry else None


def ethnicity_code(background: str) -> str | None:
    """The code rendered for a background: its first HESA code (Not provided is 997)."""
    return code_list("ethnicity").first_code(background)


def ethnic_group(background: str) -> str:
    """The ethnic group of a background."""
    return ethnic_group_for(background)


def ethnicity_disclosed(background: str | None) -> bool:
    """Whether the trainee disclosed an ethnicity."""
    return background is not None and background not in _NOT_DISCLOSED_BACKGROUNDS


def disability_disclosure(disability_codes: Iterable[str]) -> str:
    """disabled, no_disability or disability_not_provided, from the disability codes sent."""
    names = set()
    for code in disability_codes:
        entry = code_list("disability").by_code(code)
        if entry is not None:
            names.add(entry.name)
    real = {n for n in names if n not in ("not_provided", "no_known_disability")}
    if real:
        return "disabled"
    if "no_known_disability" in names:
        return "no_disability"
    return "disability_not_provided"


def age_range(code: str) -> tuple[int, int] | None:
    """The (minimum, maximum) ages of a course age range code."""
    entry = code_list("course_age_range").by_code(code) if code else None
    if entry is None or entry.min_age is None or entry.max_age is None:
        return None
    return entry.min_age, entry.max_age


def education_phase(route: str | None, age_code: str, ages: tuple[int, int] | None) -> str:
    """early_years for early-years routes, primary up to age 11 (not 0-5), else secondary."""
    if route in EARLY_YEARS_ROUTES:
        return "early_years"
    if ages is not None and ages[1] <= 11 and age_code != EARLY_YEARS_AGE_RANGE:
        return "primary"
    return "secondary"


def not_applicable_label(urn: str | None) -> str | None:
    """The fixed name of a not-applicable placement URN."""
    return not_applicable_urns().get(urn or "")


def institution(code: str | None) -> str | None:
    """The institution code stored for a sent code (0133 became 0149)."""
    return _INSTITUTION_ALIASES.get(code, code) if code else None


def grade(code: str | None) -> str | None:
    """The grade code stored for a sent code (09 is stored as 14)."""
    return _GRADE_ALIASES.get(code, code) if code else None


def uuid_of(list_name: str, code: str | None) -> str | None:
    """The reference-data id of a degree code, as rendered in *_uuid fields."""
    if not code:
        return None
    entry = code_list(list_name).by_code(code)
    return str(entry.id) if entry else None
