"""Request bodies used across the API tests (values from the published request examples)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from service.clock import today


def cycle_dates(day: date | None = None) -> tuple[str, str]:
    """ITT start and end dates inside the academic cycle that contains the day."""
    day = day or today()
    year = day.year if day.month >= 8 else day.year - 1
    return f"{year}-09-01", f"{year + 1}-07-31"


# Each default trainee has a surname of its own, so that two of them are never duplicates of
# each other (same provider, birth date, surname, cycle and route: domain.md 2.10).
SURNAMES = (f"Doe{n}" for n in itertools.count(1))


def trainee(**overrides: Any) -> dict[str, Any]:
    """A valid v2026.1 trainee (minimal body of api.md 4.1a), starting in the current cycle."""
    start, end = cycle_dates()
    data: dict[str, Any] = {
        "first_names": "John",
        "last_name": next(SURNAMES),
        "date_of_birth": "1990-01-01",
        "sex": "10",
        "email": "john.doe@example.com",
        "nationality": "GB",
        "training_route": "12",
        "itt_start_date": start,
        "itt_end_date": end,
        "course_subject_1": "100346",
        "study_mode": "63",
        "course_age_range": "13918",
        "itt_aim": "202",
        "itt_qualification_aim": "001",
        "course_year": "1",
        "fund_code": "2",
        "funding_method": "6",
        "hesa_id": "0310261553101",
        "disability1": "58",
        "degrees_attributes": [
            {
                "grade": "02",
                "subject": "100485",
                "institution": "0117",
                "uk_degree": "083",
                "graduation_year": "2003",
            }
        ],
        "placements_attributes": [{"urn": "900020", "name": "Placement"}],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not ...}
