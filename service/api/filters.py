"""Parsing the GET /trainees query parameters with the original service's leniency."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from service.api.responses import filter_invalid
from service.api.values import INT64_MAX
from service.queries import STATUS_CONDITIONS, TraineeFilter

FIRST_CYCLE, LAST_CYCLE = 2015, 2030
DEFAULT_PER_PAGE, PAGER_DEFAULT = 50, 100


def current_cycle_year(today: date) -> int:
    """The start year of the academic cycle (August to July) containing today."""
    return today.year if today.month >= 8 else today.year - 1


def to_i(text: str) -> int:
    """Ruby's String#to_i: the leading integer, else 0."""
    match = re.match(r"\s*([+-]?\d+)", text)
    return int(match.group(1)) if match else 0


def parse_since(text: str) -> datetime | None:
    """An ISO 8601 date or date-time (UTC unless it says otherwise, as Ruby's DateTime reads
    it), in UTC; one that falls outside years 1 to 9999 there is clamped to them."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00-12:00 is after any time; 0001-01-01T00:00+01:00
        return (datetime.max if value.year == datetime.max.year else datetime.min).replace(
            tzinfo=UTC
        )


def parse_filter(params: Mapping[str, Sequence[str]], today: date) -> TraineeFilter:
    """Validate the parameters; 422 with every problem keyed by parameter."""
    problems: dict[str, list[str]] = {}

    def one(name: str) -> str | None:
        values = params.get(name) or params.get(f"{name}[]")
        return values[-1] if values else None

    cycle_text = one("academic_cycle")
    cycle_year = current_cycle_year(today)
    if cycle_text:
        year = to_i(cycle_text)
        if not cycle_text.strip().isdigit() or not FIRST_CYCLE <= year <= LAST_CYCLE:
            problems["academic_cycle"] = [f"{cycle_text} is not a valid academic cycle year"]
        cycle_year = year
    since = None
    since_text = one("since")
    if since_text:
        since = parse_since(since_text)
        if since is None:
            problems["since"] = [f"{since_text} is not a valid date"]
    statuses = [s for s in [*params.get("status", []), *params.get("status[]", [])] if s]
    bad = [s for s in statuses if s not in STATUS_CONDITIONS]
    if bad:
        problems["status"] = [f"{s} is not a valid status" for s in bad]
    sort_order = one("sort_order") or "desc"
    if sort_order not in ("asc", "desc"):
        problems["sort_order"] = ["is not included in the list"]
    numbers = {name: one(name) for name in ("page", "per_page")}
    for name, text in numbers.items():
        if text is not None and to_i(text) > INT64_MAX:
            problems[name] = [f"{text} is too large"]
    if problems:
        raise filter_invalid(problems)
    has_trn_text = (one("has_trn") or "").strip()
    per_page_text = numbers["per_page"]
    per_page = DEFAULT_PER_PAGE if per_page_text is None else to_i(per_page_text)
    if per_page < 0:
        per_page = PAGER_DEFAULT
    return TraineeFilter(
        cycle_year=cycle_year,
        since=since,
        statuses=tuple(dict.fromkeys(statuses)),
        has_trn=None if not has_trn_text else has_trn_text == "true",
        page=max(to_i(numbers["page"] or "1"), 1),
        per_page=per_page,
        descending=sort_order == "desc",
    )
