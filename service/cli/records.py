"""Auditing and rebuilding: a trainee's history, projection rebuilds and status."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

import msgspec

from service.cli.common import database_for, register_for
from service.config import Settings


def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    """Print a trainee's events in order."""
    from service.history import history, render_text

    register = register_for(settings)
    try:
        entries = history(register, args.trainee_id)
    finally:
        register.close()
    if not entries:
        print(f"no trainee with id {args.trainee_id}", file=sys.stderr)
        return 1
    print(msgspec.json.encode(entries).decode() if args.json else render_text(entries))
    return 0


def _progress(done: int, total: int) -> None:
    percent = 100 * done / total if total else 100.0
    end = "\r" if sys.stderr.isatty() and done < total else "\n"
    print(f"  replayed {done:,}/{total:,} events ({percent:5.1f}%)", end=end, file=sys.stderr)


def cmd_projections_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    """Rebuild every read model from the events; --verify compares instead of switching."""
    from projections.rebuild import rebuild
    from service.eventstore import keyed_mapper
    from service.keyring import master_keys

    database = database_for(settings)
    register_for(settings, database).close()  # creates the events table on a new database
    mapper = keyed_mapper(master_keys(settings))
    report = asyncio.run(
        rebuild(
            database.url,
            mapper,
            verify=args.verify,
            batch_size=args.batch_size,
            workers=args.workers,
            progress=_progress,
        )
    )
    rate = report.events / report.seconds if report.seconds else 0
    print(
        f"trainees: {report.events:,} events into {report.trainees:,} rows in "
        f"{report.seconds:.2f}s ({rate:,.0f} events/s), position {report.position}"
    )
    if report.differences is not None:
        print(f"verify: {report.differences} rows differ between the live and rebuilt model")
        return 1 if report.differences else 0
    from service.cli.worker import rebuild_audit_log
    from service.eventstore import blind_mapper

    return rebuild_audit_log(database.url, blind_mapper(), args.batch_size)


def cmd_projections_status(args: argparse.Namespace, settings: Settings) -> int:
    """Show each projection's position and lag."""
    from projections.rebuild import status

    database = database_for(settings)
    register_for(settings, database).close()
    for row in asyncio.run(status(database.url)):
        print("  ".join(f"{k}={v}" for k, v in row.items()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the history and projections commands."""
    hist = sub.add_parser("history", help=cmd_history.__doc__)
    hist.add_argument("trainee_id", metavar="TRAINEE_ID")
    hist.add_argument("--json", action="store_true", help="one JSON array instead of text")
    hist.set_defaults(run=cmd_history)
    projections = sub.add_parser("projections", help="rebuild and inspect read models")
    psub = projections.add_subparsers(dest="action", required=True)
    rebuild = psub.add_parser("rebuild", help=cmd_projections_rebuild.__doc__)
    rebuild.add_argument(
        "--verify",
        action="store_true",
        help="compare a fresh rebuild with the live rows; exit 1 on a difference",
    )
    rebuild.add_argument("--batch-size", type=int, default=5000)
    rebuild.add_argument(
        "--workers",
        type=int,
        default=max(1, os.cpu_count() or 1),
        help="processes replaying events side by side (default: one per core)",
    )
    rebuild.set_defaults(run=cmd_projections_rebuild)
    psub.add_parser("status", help=cmd_projections_status.__doc__).set_defaults(
        run=cmd_projections_status
    )
