"""The reference-data lookups the record derivations need, in domain terms."""

from __future__ import annotations

from collections.abc import Iterable

from domain.reference import code_list, ethnic_group_for, not_applicable_urns, route

EARLY_YEARS_ROUTES = frozenset({"17", "18", "19", "20"})
EARLY_YEARS_AGE_RANGE = "13920"
NOT_PROVIDED = "Not provided"
_NOT_DISCLOSED_BACKGROUNDS = frozenset({NOT_PROVIDED, "information_refused"})
_INSTITUTION_ALIASES = {"0133": "0149"}
_GRADE_ALIASES = {"09": "14"}
NO_KNOWN_DISABILITY = "no_known_disability"
DISABILITY_NOT_PROVIDED = "not_provided"


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


def disability_names(disability_codes: Iterable[str]) -> list[str]:
    """The disabilities the codes stand for, in order; unknown codes are dropped."""
    entries = (code_list("disability").by_code(code) for code in disability_codes)
    return [entry.name for entry in entries if entry is not None]


def real_disabilities(names: Iterable[str]) -> list[str]:
    """The disabilities among the names (not "no known disability", not "not provided")."""
    return [n for n in names if n not in (NO_KNOWN_DISABILITY, DISABILITY_NOT_PROVIDED)]


def disability_disclosure(disability_codes: Iterable[str]) -> str:
    """disabled, no_disability (only 95) or disability_not_provided (none, or only one 98/99)."""
    names = disability_names(disability_codes)
    if not names or names == [DISABILITY_NOT_PROVIDED]:
        return "disability_not_provided"
    if names == [NO_KNOWN_DISABILITY]:
        return "no_disability"
    return "disabled"


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


IQTS_ROUTE = "15"
UNSUPPORTED_ROUTES = frozenset({"school_direct_tuition_fee"})  # code 02, refused unless route_02
PRIMARY_TEACHING = "primary teaching"
PRIMARY_TEACHING_CODE = "100511"
EARLY_YEARS_TEACHING = "early years teaching"
VETERANS_INITIATIVE = "veterans_teaching_undergraduate_bursary"
VETERANS_FUNDING_METHOD = "C"
NO_INITIATIVE = "no_initiative"
OTHER_UK_INSTITUTION = "other_uk_institution"


def route_name(code: str | None) -> str | None:
    """The internal name of a training route code (e.g. 12 is provider_led_postgrad)."""
    entry = code_list("training_route").by_code(code) if code else None
    return entry.name if entry else None


def route_accepted(
    code: str, start_year: int | None, newer_routes: bool = True, route_02: bool = False
) -> bool:
    """Whether the route is taken for a trainee starting in the cycle of start_year (without
    newer_routes, not the iQTS, assessment-only, early-years and HPITT routes; route_02: also
    school direct tuition fee)."""
    entry = code_list("training_route").by_code(code)
    if entry is None or not entry.valid_in(start_year):
        return False
    if entry.name in UNSUPPORTED_ROUTES:
        return route_02 and entry.name == "school_direct_tuition_fee"
    return newer_routes or route(entry.name).accepted_by_api_v2026_0


def supported_route_codes(newer_routes: bool = True, route_02: bool = False) -> list[str]:
    """The route codes a policy lists as valid, sorted as strings."""
    return sorted(
        code
        for entry in code_list("training_route")
        for code in entry.hesa_codes
        if route_accepted(code, None, newer_routes, route_02)
    )


def early_years_route(code: str | None) -> bool:
    """Whether the route code is one of the four early-years routes."""
    return code in EARLY_YEARS_ROUTES


def subject_name(code: str | None) -> str | None:
    """The internal name of a course subject code (e.g. 100346 is biology)."""
    entry = code_list("course_subject").by_code(code) if code else None
    return str(entry.id) if entry else None


def initiative_name(code: str | None) -> str | None:
    """The internal name of a training initiative code (e.g. 026 is now_teach)."""
    entry = code_list("training_initiative").by_code(code) if code else None
    return entry.name if entry else None


def other_uk_institution_id() -> str:
    """The reference-data id of "Other UK institution", given to unknown UK institutions."""
    entry = code_list("institution").by_name(OTHER_UK_INSTITUTION)
    return str(entry.id) if entry else ""


def initiative_code(name: str) -> str | None:
    """The HESA code of an internal initiative; None when it has none (as veterans)."""
    entry = code_list("training_initiative").by_name(name)
    return entry.hesa_codes[0] if entry is not None and entry.hesa_codes else None
