"""The body of GET /reference-data, built from the packaged code lists."""

from __future__ import annotations

from domain.reference.codes import code_list
from domain.reference.tables import table, withdrawal_reasons_for, withdrawal_reasons_metadata

# Keys of the whole payload, in the published order (withdrawal_reasons comes last).
HESA_FIELDS = (
    "country",
    "course_age_range",
    "course_subject",
    "degree_subject",
    "degree_grade",
    "degree_type",
    "disability",
    "ethnicity",
    "fund_code",
    "funding_method",
    "institution",
    "itt_aim",
    "nationality",
    "itt_qualification_aim",
    "sex",
    "study_mode",
    "training_route",
    "training_initiative",
)
WITHDRAWAL_REASONS = "withdrawal_reasons"
FIELDS = (*HESA_FIELDS, WITHDRAWAL_REASONS)


def _hesa_field(name: str) -> dict[str, object]:
    """One code list: its metadata and one entry per HESA code, sorted by code."""
    codes = code_list(name)
    entries = [
        {
            "code": code,
            "display_name": codes.labels.get(code) or entry.display_name,
            "start_year": entry.start_year,
            "end_year": entry.end_year,
        }
        for entry in codes
        for code in entry.hesa_codes
    ]
    entries.sort(key=lambda item: str(item["code"]))
    return {"metadata": dict(codes.metadata), "entries": entries}


def _withdrawal_reasons() -> dict[str, object]:
    """The withdrawal reasons valid per trigger: provider reasons first, then trainee reasons."""
    rows = {str(row["code"]): row for row in table("withdrawal_reasons")}
    triggers = [str(row["code"]) for row in table("withdrawal_triggers")]
    entries = [
        {
            "code": code,
            "display_name": rows[code]["label"],
            "trigger": trigger,
            "requires_another_reason": rows[code]["requires_another_reason"],
            "requires_safeguarding_concern_reasons": rows[code][
                "requires_safeguarding_concern_reasons"
            ],
        }
        for trigger in triggers
        for code in withdrawal_reasons_for(trigger)
    ]
    return {
        "metadata": withdrawal_reasons_metadata(),
        "triggers": triggers,
        "future_interest": [str(row["code"]) for row in table("withdrawal_future_interests")],
        "entries": entries,
    }


def _field(name: str) -> dict[str, object]:
    """The payload object of one field."""
    return _withdrawal_reasons() if name == WITHDRAWAL_REASONS else _hesa_field(name)


def reference_data_payload(field: str | None = None) -> dict[str, object] | None:
    """The whole payload, or one field's object; None for an unknown field (blank = whole)."""
    if field is None or not field.strip():
        return {name: _field(name) for name in FIELDS}
    return _field(field) if field in FIELDS else None
