"""v2026.0 (sandbox, 30 Jan - 18 Jun 2026), as its change from v2026.1 (api.md 10a)."""

from datetime import date

from domain.rules.switches import Switch
from service.versions.base import Endpoint, VersionChange

CHANGE = VersionChange(
    name="v2026.0",
    released=date(2026, 1, 30),
    summary="no iQTS, assessment-only, early-years or HPITT routes; no iqts_country; "
    "no edit restriction on complete trainees; no reference-data endpoint",
    response_removed=frozenset({"iqts_country"}),
    request_removed=frozenset({"iqts_country"}),
    endpoints_removed=frozenset({Endpoint.REFERENCE_DATA}),
    rules_off=frozenset(
        {
            Switch.STUDY_MODE_OPTIONAL_FOR_ASSESSMENT_ONLY,
            Switch.EDITS_REFUSED_WHEN_COMPLETE,
            Switch.NEWER_ROUTES,
            Switch.IQTS_COUNTRY,
            Switch.EARLY_YEARS,
        }
    ),
)
