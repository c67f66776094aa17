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
from projections.trainee_view import (
    email_key,
    first_name_key,
    last_name_key,
    open_row,
)
from service.keyring import Keyring

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


DOC_COLUMNS = "SELECT t.id, t.doc, t.sealed, t.erased_at, k.wrapped, k.master_key_id, t.version"
DOC_FROM = " FROM trainees t LEFT JOIN trainee_keys k ON k.trainee_id = t.id"
SELECT_DOC = DOC_COLUMNS + DOC_FROM


def opened(keyring: Keyring, row: asyncpg.Record) -> bytes:
    """A read-model row's whole document (projections.trainee_view.open_row)."""
    return open_row(keyring, tuple(row))


async def trainee_document(
    pool: asyncpg.Pool, keyring: Keyring, provider_id: str, slug: str
) -> tuple[bytes, int] | None:
    """The document (JSON) and version of the provider's trainee, if any."""
    if not could_be_slug(slug):
        return None
    row = await pool.fetchrow(
        f"{SELECT_DOC} WHERE t.slug_key = $1 AND t.provider_id = $2", slug.lower(), provider_id
    )
    return (opened(keyring, row), row[6]) if row else None


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

    documents: list[bytes]
    total: int


async def trainee_page(
    pool: asyncpg.Pool, keyring: Keyring, provider_id: str, f: TraineeFilter, today: date
) -> Page:
    """The filtered, ordered page of the provider's trainees for one start cycle (erased
    trainees are left out)."""
    conditions = [
        "provider_id = $1",
        "start_cycle_year = $2",
        "state <> 'draft'",
        "erased_at IS NULL",
    ]
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
        conditions.append("trn_key IS NOT NULL" if f.has_trn else "trn_key IS NULL")
    order = "DESC" if f.descending else "ASC"
    where = " AND ".join(conditions)
    page_args = [*args, f.per_page, f.offset]
    # One round trip: the count is an uncorrelated subquery, run once, and an index-only scan
    # of trainees_listed (migration 0010); a window over the rows would read every document.
    rows = await pool.fetch(
        f"{DOC_COLUMNS}, (SELECT count(*) FROM trainees WHERE {where}) AS total{DOC_FROM}"
        f" WHERE {where}"
        f" ORDER BY t.updated_at {order}, t.id DESC LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}",
        *page_args,
    )
    if not rows:
        return Page([], 0)
    total = rows[0]["total"]
    return Page([opened(keyring, r) for r in rows], total)


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
    "SELECT t.id, t.doc, t.sealed, t.erased_at, k.wrapped, k.master_key_id"
    " FROM trainees t LEFT JOIN trainee_keys k ON k.trainee_id = t.id"
    " WHERE t.id IN (SELECT trainee_duplicates($1, $2, $3, $4, $5, $6, $7))"
    " ORDER BY t.created_at, t.id"
)
"""The provider's trainees a new record duplicates (domain.md 2.10), by duplicate_keys: keyed
hashes, as the read model holds no plaintext to compare."""


def duplicate_keys(
    keyring: Keyring, provider_id: str, values: Mapping[str, object]
) -> tuple[object, ...] | None:
    """The parameters of DUPLICATES for a new record; None when it can duplicate nothing.
    The first five are the record's identity: two records can be duplicates only if they agree."""
    born = parse_date(values.get("date_of_birth"))
    cycle = known_cycle(parse_date(values.get("itt_start_date")))
    if born is None or cycle is None:
        return None
    h = keyring.keyed_hash
    return (
        provider_id,
        h("date_of_birth", born.isoformat()),
        h("last_name", last_name_key(str(values.get("last_name") or ""))),
        cycle,
        str(values.get("training_route") or ""),
        h("first_name", first_name_key(str(values.get("first_names")))),
        h("email", email_key(str(values.get("email") or ""))),
    )


async def duplicate_trainees(
    pool: asyncpg.Pool, keyring: Keyring, provider_id: str, values: Mapping[str, object]
) -> list[bytes]:
    """Documents of the provider's trainees a new record duplicates (domain.md 2.10)."""
    keys = duplicate_keys(keyring, provider_id, values)
    if keys is None:
        return []
    return [opened(keyring, r) for r in await pool.fetch(DUPLICATES, *keys)]


def duplicate_check(
    keyring: Keyring, provider_id: str, values: Mapping[str, object]
) -> Unique | None:
    """The same check, to run again in the transaction that saves the new record, after a lock
    on its identity: of two identical records saved at once, the second sees the first."""
    keys = duplicate_keys(keyring, provider_id, values)
    if keys is None:
        return None
    identity = msgspec.json.encode([str(k) for k in keys[:5]])
    return Unique(identity=identity, query=DUPLICATES, args=keys)
