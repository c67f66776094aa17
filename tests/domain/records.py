"""A complete trainee record as the domain rules see it, on a fixed day."""

from __future__ import annotations

from datetime import date

TODAY = date(2026, 11, 28)
VALID = {
    "first_names": "Ada",
    "last_name": "Lovelace",
    "date_of_birth": "1990-01-01",
    "sex": "10",
    "email": "ada@example.com",
    "training_route": "12",
    "itt_start_date": "2026-09-01",
    "itt_end_date": "2027-07-31",
    "course_subject_1": "100346",
    "study_mode": "63",
    "hesa_id": "0310261553101",
    "itt_aim": "201",
    "course_year": "1",
    "course_age_range": "13918",
    "fund_code": "2",
    "funding_method": "6",
}
