"""The trainee read model: one row per trainee, its document in the head API vocabulary."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.trainee import Trainee
from projections.documents import (
    degree_document,
    document_json,
    placement_document,
    trainee_document,
)

__all__ = ["COLUMNS", "degree_document", "placement_document", "trainee_document", "trainee_row"]

COLUMNS = (
    "id",
    "slug",
    "slug_key",
    "provider_id",
    "version",
    "state",
    "trn",
    "itt_start_date",
    "start_cycle_year",
    "created_at",
    "updated_at",
    "last_name_key",
    "first_name_key",
    "email_key",
    "date_of_birth",
    "training_route",
    "doc",
)


def cycle_year(day: date) -> int:
    """The start year of the academic cycle (1 August to 31 July) containing the day."""
    return day.year if day.month >= 8 else day.year - 1


def start_cycle_year(trainee: Trainee, today: date | None = None) -> int:
    """The trainee's start academic cycle: from the trainee start date, else the ITT start."""
    record = trainee.record
    day = record.trainee_start_date or record.itt_start_date
    if day is None:
        day = (today or datetime.now(UTC).date()) + timedelta(days=31)
    return cycle_year(day)


def first_name_key(first_names: str | None) -> str | None:
    """The first forename, lower-cased, letters only: how duplicates are compared."""
    if not first_names:
        return None
    words = re.sub(r"[^a-z ]", "", first_names.strip().lower()).split()
    return words[0] if words else None


def trainee_row(trainee: Trainee) -> tuple[Any, ...]:
    """The read-model row of a trainee, in COLUMNS order."""
    r = trainee.record
    return (
        trainee.id,
        trainee.slug,
        trainee.slug.lower(),
        trainee.provider.provider_id,
        trainee.version,
        str(trainee.state),
        trainee.trn,
        r.itt_start_date,
        start_cycle_year(trainee),
        trainee.created_on,
        trainee.modified_on,
        (r.last_name or "").strip().lower() or None,
        first_name_key(r.first_names),
        (r.email or "").strip().lower() or None,
        r.date_of_birth,
        r.training_route,
        document_json(trainee).decode(),
    )
