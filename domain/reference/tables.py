"""Rule tables (routes, funding, initiatives, withdrawal reasons, ...) and small helpers."""

from __future__ import annotations

from functools import cache

import msgspec

from domain.reference._store import check_known, index, read_data
from domain.reference.codes import legacy_code_list

Row = dict[str, object]


class _TableFile(msgspec.Struct, frozen=True, kw_only=True):
    """The decoded shape of one generated rule-table file."""

    columns: tuple[str, ...]
    rows: tuple[dict[str, object], ...]
    metadata: dict[str, str] = msgspec.field(default_factory=dict)
    by_trigger: dict[str, tuple[str, ...]] = msgspec.field(default_factory=dict)


class RouteInfo(msgspec.Struct, frozen=True, kw_only=True):
    """One training route (a row of training_routes_internal)."""

    code: str
    label: str
    db_integer: int
    hesa_code_v2025_era_mapping: str
    hesa_code_v2026_1: str
    award_type: str
    route_group: str | None
    undergrad_route: bool
    requires_degree: bool
    requires_study_mode_v2026_1: bool
    requires_funding: bool
    requires_iqts_country: bool
    early_years_route: bool
    requires_placements_for_award: bool
    minimum_placements_for_award_head: int | None
    training_partner_route: bool
    employing_school_route: bool
    publish_course_route: bool
    accepted_by_api_v2025_0: bool
    accepted_by_api_v2026_0: bool
    accepted_by_api_v2026_1: bool
    valid_from_start_year: int | None


class FundingRule(msgspec.Struct, frozen=True, kw_only=True):
    """One funding rule: an amount of a funding type for a route and subject in a cycle."""

    academic_cycle: str
    funding_type: str
    training_route: str
    amount_gbp: int
    allocation_subject: str

    @property
    def start_year(self) -> int:
        """The start year of the rule's academic cycle."""
        return int(self.academic_cycle.split("-")[0])


def _freeze(row: dict[str, object]) -> Row:
    """A row whose list cells are tuples, so cached rows cannot be changed through them."""
    return {key: tuple(value) if isinstance(value, list) else value for key, value in row.items()}


@cache
def _table_file(name: str) -> _TableFile:
    """Decode one generated rule-table file once."""
    check_known("table", name, index().tables)
    doc = msgspec.json.decode(read_data(name), type=_TableFile)
    return msgspec.structs.replace(doc, rows=tuple(_freeze(row) for row in doc.rows))


def table(name: str) -> tuple[Row, ...]:
    """The rows of rule table ``name`` (fresh dicts); KeyError naming it if unknown."""
    return tuple(dict(row) for row in _table_file(name).rows)


def table_names() -> tuple[str, ...]:
    """Names accepted by :func:`table`."""
    return index().tables


@cache
def routes() -> tuple[RouteInfo, ...]:
    """Every training route, in source order."""
    return tuple(msgspec.convert(row, RouteInfo) for row in table("training_routes_internal"))


def route(name_or_code: str) -> RouteInfo:
    """The route with this internal name or HESA code; KeyError if unknown."""
    for info in routes():
        codes = (info.code, info.hesa_code_v2026_1, info.hesa_code_v2025_era_mapping)
        if name_or_code in codes:
            return info
    raise KeyError(f"unknown training route {name_or_code!r}")


@cache
def _funding_rules() -> tuple[FundingRule, ...]:
    """Every funding rule, in source order."""
    return tuple(msgspec.convert(row, FundingRule) for row in table("funding_rules"))


def funding_rows(
    start_year: int | None = None,
    *,
    funding_type: str | None = None,
    training_route: str | None = None,
    allocation_subject: str | None = None,
) -> tuple[FundingRule, ...]:
    """The funding rules matching every filter given."""
    return tuple(
        rule
        for rule in _funding_rules()
        if (start_year is None or rule.start_year == start_year)
        and (funding_type is None or rule.funding_type == funding_type)
        and (training_route is None or rule.training_route == training_route)
        and (allocation_subject is None or rule.allocation_subject == allocation_subject)
    )


def funding_type_for(funding_method_code: str) -> str | None:
    """The funding type (bursary, scholarship, grant) of a funding_method code; None for none."""
    entry = legacy_code_list("funding_method").by_code(funding_method_code)
    return entry.funding_type if entry is not None else None


def allocation_subjects_for(course_subject: str) -> tuple[str, ...]:
    """The allocation (funding) subjects whose specialisms include ``course_subject``."""
    rows = table("allocation_subject_specialisms")
    return tuple(
        str(r["allocation_subject"]) for r in rows if r["course_subject"] == course_subject
    )


def academic_cycle_label(start_year: int) -> str:
    """The label of an academic cycle, e.g. "2025 to 2026"."""
    return f"{start_year} to {start_year + 1}"


def initiatives_for_cycle(start_year: int) -> tuple[str, ...]:
    """The training initiatives available in the academic cycle starting in ``start_year``."""
    cycle = f"{start_year}-{start_year + 1}"
    rows = table("training_initiatives_by_academic_cycle")
    return tuple(str(r["training_initiative"]) for r in rows if r["academic_cycle"] == cycle)


def ethnic_group_for(background: str) -> str:
    """The ethnic group of an ethnic background; KeyError if unknown."""
    for row in table("ethnic_backgrounds_to_groups"):
        if row["ethnic_background"] == background:
            return str(row["ethnic_group"])
    raise KeyError(f"unknown ethnic background {background!r}")


def withdrawal_reasons_for(trigger: str) -> tuple[str, ...]:
    """The current reasons valid for a trigger, in published order (non-provider = trainee)."""
    by_trigger = _table_file("withdrawal_reasons").by_trigger
    return by_trigger["provider" if trigger == "provider" else "trainee"]


def withdrawal_reasons_metadata() -> dict[str, str]:
    """The metadata object of the withdrawal reasons in GET /reference-data."""
    return dict(_table_file("withdrawal_reasons").metadata)


def not_applicable_urns() -> dict[str, str]:
    """The placeholder school URNs mapped to their fixed names."""
    return {str(r["code"]): str(r["label"]) for r in table("not_applicable_school_urns")}
