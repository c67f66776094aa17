"""v2026.0 (sandbox, 30 Jan - 18 Jun 2026), as its change from v2026.1 (api.md 10a)."""

from service.versions.base import VersionChange

CHANGE = VersionChange(
    name="v2026.0",
    summary="no iQTS, assessment-only, early-years or HPITT routes; no iqts_country; "
    "no edit restriction on complete trainees; no reference-data endpoint",
    response_removed=frozenset({"iqts_country"}),
    request_removed=frozenset({"iqts_country"}),
    endpoints_removed=frozenset({"reference-data"}),
    rules_off=frozenset(
        {
            "study_mode_optional_for_assessment_only",
            "edits_refused_when_complete",
            "routes_v2026_1",
            "iqts_country",
            "early_years",
        }
    ),
)
