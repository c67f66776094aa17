"""Reference data: HESA code lists, legacy lists and rule tables, read from packaged JSON."""

from __future__ import annotations

from domain.reference.codes import (
    CodeList,
    Entry,
    code_list,
    code_list_names,
    legacy_code_list,
    legacy_code_list_names,
)
from domain.reference.payload import reference_data_payload
from domain.reference.tables import (
    FundingRule,
    RouteInfo,
    academic_cycle_label,
    allocation_subjects_for,
    ethnic_group_for,
    funding_rows,
    funding_type_for,
    initiatives_for_cycle,
    not_applicable_urns,
    route,
    routes,
    table,
    table_names,
    withdrawal_reasons_for,
)

__all__ = [
    "CodeList",
    "Entry",
    "FundingRule",
    "RouteInfo",
    "academic_cycle_label",
    "allocation_subjects_for",
    "code_list",
    "code_list_names",
    "ethnic_group_for",
    "funding_rows",
    "funding_type_for",
    "initiatives_for_cycle",
    "legacy_code_list",
    "legacy_code_list_names",
    "not_applicable_urns",
    "reference_data_payload",
    "route",
    "routes",
    "table",
    "table_names",
    "withdrawal_reasons_for",
]
