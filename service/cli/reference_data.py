"""Loading the register of schools and training partners from CSV files (service/seed/README.md).

`trainees schools load FILE`: columns urn, name, town, postcode. `trainees partners load FILE`:
columns name, urn, ukprn (at least one of urn and ukprn). Rows are added or replaced by URN (by
UKPRN for partners without a URN), all in one transaction: a bad row loads nothing.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Sequence
from pathlib import Path

import asyncpg

from service.cli.common import with_conn
from service.config import Settings

URN = re.compile(r"[0-9]{6}")
UKPRN = re.compile(r"[0-9]{8}")
SCHOOL_COLUMNS = ("urn", "name", "town", "postcode")
PARTNER_COLUMNS = ("name", "urn", "ukprn")

Row = tuple[str | None, ...]


def read_rows(path: Path, columns: Sequence[str]) -> list[dict[str, str | None]]:
    """The file's rows as dicts of the columns (blank cells are None); ValueError if malformed."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
            return [{c: (row.get(c) or "").strip() or None for c in columns} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{path}: {exc}") from None


def _check(path: Path, line: int, ok: bool, what: str) -> None:
    if not ok:
        raise ValueError(f"{path}, line {line}: {what}")


def school_rows(path: Path) -> list[Row]:
    """Validated (urn, name, town, postcode) rows."""
    rows = read_rows(path, SCHOOL_COLUMNS)
    for line, row in enumerate(rows, start=2):
        _check(path, line, bool(row["urn"] and URN.fullmatch(row["urn"])), "urn must be 6 digits")
        _check(path, line, row["name"] is not None, "name is required")
    return [tuple(row[c] for c in SCHOOL_COLUMNS) for row in rows]


def partner_rows(path: Path) -> list[Row]:
    """Validated (name, urn, ukprn) rows."""
    rows = read_rows(path, PARTNER_COLUMNS)
    for line, row in enumerate(rows, start=2):
        urn, ukprn = row["urn"], row["ukprn"]
        _check(path, line, row["name"] is not None, "name is required")
        _check(path, line, bool(urn or ukprn), "urn or ukprn is required")
        _check(path, line, urn is None or bool(URN.fullmatch(urn)), "urn must be 6 digits")
        _check(path, line, ukprn is None or bool(UKPRN.fullmatch(ukprn)), "ukprn must be 8 digits")
    return [tuple(row[c] for c in PARTNER_COLUMNS) for row in rows]


async def load_schools(conn: asyncpg.Connection, rows: list[Row]) -> int:
    """Add or replace schools by URN, in one transaction."""
    async with conn.transaction():
        await conn.executemany(
            "INSERT INTO schools (urn, name, town, postcode) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (urn) DO UPDATE SET name = EXCLUDED.name, town = EXCLUDED.town,"
            " postcode = EXCLUDED.postcode, loaded_at = now()",
            rows,
        )
    return len(rows)


async def load_partners(conn: asyncpg.Connection, rows: list[Row]) -> int:
    """Add or replace partners by URN (by UKPRN when they have none), in one transaction."""
    by_urn = [r for r in rows if r[1] is not None]
    by_ukprn = [r for r in rows if r[1] is None]
    set_columns = "name = EXCLUDED.name, ukprn = EXCLUDED.ukprn, loaded_at = now()"
    try:
        async with conn.transaction():
            await conn.executemany(
                "INSERT INTO training_partners (name, urn, ukprn) VALUES ($1, $2, $3)"
                f" ON CONFLICT (urn) DO UPDATE SET {set_columns}",
                by_urn,
            )
            await conn.executemany(
                "INSERT INTO training_partners (name, urn, ukprn) VALUES ($1, $2, $3)"
                " ON CONFLICT (ukprn) DO UPDATE SET name = EXCLUDED.name, loaded_at = now()",
                by_ukprn,
            )
    except asyncpg.UniqueViolationError as exc:
        raise ValueError(f"a UKPRN belongs to two partners: {exc.detail or exc}") from None
    return len(rows)


def cmd_schools_load(args: argparse.Namespace, settings: Settings) -> int:
    """Add or replace schools from a CSV file (urn, name, town, postcode)."""
    rows = school_rows(Path(args.file))
    count = with_conn(settings, lambda conn: load_schools(conn, rows))
    print(f"loaded {count} school(s) from {args.file}")
    return 0


def cmd_partners_load(args: argparse.Namespace, settings: Settings) -> int:
    """Add or replace training partners from a CSV file (name, urn, ukprn)."""
    rows = partner_rows(Path(args.file))
    count = with_conn(settings, lambda conn: load_partners(conn, rows))
    print(f"loaded {count} training partner(s) from {args.file}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the schools and partners commands."""
    for noun, help_text, run in (
        ("schools", "the register of schools", cmd_schools_load),
        ("partners", "the register of training partners", cmd_partners_load),
    ):
        actions = sub.add_parser(noun, help=help_text).add_subparsers(dest="action", required=True)
        load = actions.add_parser("load", help=run.__doc__)
        load.add_argument("file", metavar="FILE", help="a CSV file with a header row")
        load.set_defaults(run=run)
