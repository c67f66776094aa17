"""Read side: the trainee read model through asyncpg."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg
import msgspec

from domain.rules import Partner, Register, School
from domain.rules.cycles import known_cycle
from domain.rules.formats import parse_date
from domain.trainee import could_be_slug
from projections.inline import Unique
from projections.trainee_view import first_name_key

STATUS_CONDITIONS = {
    "course_not_yet_started": (
        "(itt_start_date > {today} AND state NOT IN ('draft', 'deferred', 'withdrawn'))"
    ),
    "in_training": "(state IN ('submitted_for_trn', 'trn_received', 'recommended_for_award')"
    " AND itt_start_date <= {today})",
    "deferred": "(state = 'deferred')",
    "withdrawn": "(state = 'withdrawn')",
    "awarded": "(state = 'awarded')",
}


async def trainee_document(
    pool: asyncpg.Pool, provider_id: str, slug: str
) -> tuple[str, int] | None:
    """The stored document (JSON text) and version of the provider's trainee, if any."""
    if not could_be_slug(slug):
        return None
    row = await pool.fetchrow(
        "SELECT doc, version FROM trainees WHERE slug_key = $1 AND provider_id = $2",
        slug.lower(),
        provider_id,
    )
    return (row["doc"], row["version"]) if row else None


@dataclass(frozen=True)
class TraineeFilter:
    """The validated parameters of GET /trainees."""

    cycle_year: int
    since: datetime | None
    statuses: tuple[str, ...]
    has_trn: bool | None
    page: int
    per_page: int
    descending: bool

    @property
    def offset(self) -> int:
        """How many matches come before the page."""
        return (self.page - 1) * self.per_page


@dataclass(frozen=True)
class Page:
    """One page of trainee documents and the total number of matches."""

    documents: list[str]
    total: int


async def trainee_page(pool: asyncpg.Pool, provider_id: str, f: TraineeFilter, today: date) -> Page:
    """The filtered, ordered page of the provider's trainees for one start cycle."""
    conditions = ["provider_id = $1", "start_cycle_year = $2", "state <> 'draft'"]
    args: list[object] = [provider_id, f.cycle_year]
    if f.since is not None:
        args.append(f.since)
        conditions.append(f"updated_at >= ${len(args)}")
    if f.statuses:
        if any("{today}" in STATUS_CONDITIONS[s] for s in f.statuses):
            args.append(today)
        today_arg = f"${len(args)}::date"
        conditions.append(
            "("
            + " OR ".join(STATUS_CONDITIONS[s].format(today=today_arg) for s in f.statuses)
            + ")"
        )
    if f.has_trn is not None:
        conditions.append("trn IS NOT NULL" if f.has_trn else "trn IS NULL")
    order = "DESC" if f.descending else "ASC"
    where = " AND ".join(conditions)
    page_args = [*args, f.per_page, f.offset]
    rows = await pool.fetch(
        f"SELECT doc FROM trainees WHERE {where} ORDER BY updated_at {order}, id DESC"
        f" LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}",
        *page_args,
    )
    if not rows:
        return Page([], 0)
    if f.page == 1 and len(rows) < f.per_page:
        total = len(rows)  # the whole list fits on the first page: no need to count
    else:  # counted apart: a window over the rows would read every matching document
        total = await pool.fetchval(f"SELECT count(*) FROM trainees WHERE {where}", *args)
    return Page([r["doc"] for r in rows], total)


async def register_entries(pool: asyncpg.Pool, urns: set[str], ukprns: set[str]) -> Register:
    """The schools and training partners with these URNs or UKPRNs, in one query."""
    if not urns and not ukprns:
        return Register()
    rows = await pool.fetch(
        "SELECT 'school' AS kind, urn, NULL AS ukprn, name, town, postcode FROM schools"
        " WHERE urn = ANY($1::text[])"
        " UNION ALL SELECT 'partner', urn, ukprn, name, NULL, NULL FROM training_partners"
        " WHERE urn = ANY($1::text[]) OR ukprn = ANY($2::text[])",
        sorted(urns),
        sorted(ukprns),
    )
    schools = {
        r["urn"]: School(urn=r["urn"], name=r["name"], town=r["town"], postcode=r["postcode"])
        for r in rows
        if r["kind"] == "school"
    }
    partners = tuple(
        Partner(name=r["name"], urn=r["urn"], ukprn=r["ukprn"])
        for r in rows
        if r["kind"] != "school"
    )
    return Register(schools=schools, partners=partners)


DUPLICATES = (
    "SELECT doc FROM trainees WHERE provider_id = $1 AND date_of_birth = $2"
    " AND last_name_key = $3 AND start_cycle_year = $4 AND training_route = $5"
    " AND (first_name_key = $6 OR email_key = $7) ORDER BY created_at, id"
)
"""The provider's trainees a new record duplicates (domain.md 2.10), by duplicate_keys."""


def duplicate_keys(provider_id: str, values: Mapping[str, object]) -> tuple[object, ...] | None:
    """The parameters of DUPLICATES for a new record; None when it can duplicate nothing.
    The first five are the record's identity: two records can be duplicates only if they agree."""
    born = parse_date(values.get("date_of_birth"))
    cycle = known_cycle(parse_date(values.get("itt_start_date")))
    if born is None or cycle is None:
        return None
    return (
        provider_id,
        born,
        str(values.get("last_name") or "").strip().lower(),
        cycle,
        str(values.get("training_route") or ""),
        first_name_key(str(values.get("first_names"))),
        str(values.get("email") or "").strip().lower(),
    )


async def duplicate_trainees(
    pool: asyncpg.Pool, provider_id: str, values: Mapping[str, object]
) -> list[str]:
    """Documents of the provider's trainees a new record duplicates (domain.md 2.10)."""
    keys = duplicate_keys(provider_id, values)
    if keys is None:
        return []
    return [r["doc"] for r in await pool.fetch(DUPLICATES, *keys)]


def duplicate_check(provider_id: str, values: Mapping[str, object]) -> Unique | None:
    """The same check, to run again in the transaction that saves the new record, after a lock
    on its identity: of two identical records saved at once, the second sees the first."""
    keys = duplicate_keys(provider_id, values)
    if keys is None:
        return None
    identity = msgspec.json.encode([str(k) for k in keys[:5]])
    return Unique(identity=identity, query=DUPLICATES, args=keys)
