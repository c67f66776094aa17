"""Auditing the event store: verify the hash chains and seals, take a seal, list audit use."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime

from domain.trainee import trainee_uuid
from service.cli.common import database_for, with_conn
from service.config import Settings


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    """Recompute every event's hash and check every seal; exit 1 naming the first break."""
    from service.audit.chain import verify_store

    trainee = trainee_uuid(args.trainee_id) if args.trainee_id else None
    url = database_for(settings).url
    result = asyncio.run(verify_store(url, trainee, args.workers))
    slug = None
    if result.broken is not None:
        broken_id = result.broken.trainee_id
        slug = with_conn(
            settings, lambda c: c.fetchval("SELECT slug FROM trainees WHERE id = $1", broken_id)
        )
    if trainee is not None and result.events == 0 and result.broken is None:
        print(f"no trainee with id {args.trainee_id}", file=sys.stderr)
        return 1
    scope = f"trainee {args.trainee_id}" if args.trainee_id else "the event store"
    print(
        f"{scope}: {result.events:,} events in {result.streams:,} streams, "
        f"{result.seals:,} seals checked, {result.rechained:,} streams re-chained"
    )
    broken = result.broken
    if broken is None:
        print("verified: every event is chained as appended and every seal holds")
        return 0
    where = f"trainee {slug or broken.trainee_id}"
    if broken.sequence is not None:
        where += f" event {broken.sequence}"
    print(f"BROKEN: {where}: {broken.reason}")
    return 1


def cmd_seal(args: argparse.Namespace, settings: Settings) -> int:
    """Seal the store: record a digest of every stream's head with its time."""
    from service.audit.seals import seal

    done = with_conn(settings, lambda c: seal(c))
    print(
        f"seal {done.id} at {done.sealed_at.isoformat()}: position {done.position}, "
        f"{done.events:,} events, {done.streams:,} streams changed since the last seal"
    )
    print(f"digest: {done.digest.hex()}")
    return 0


def cmd_seals(args: argparse.Namespace, settings: Settings) -> int:
    """List the newest seals: publish their digests outside the database."""
    from service.audit.seals import seals

    for s in with_conn(settings, lambda c: seals(c, args.limit)):
        print(f"{s.id}  {s.sealed_at.isoformat()}  position={s.position}  {s.digest.hex()}")
    return 0


def cmd_access(args: argparse.Namespace, settings: Settings) -> int:
    """List the recorded uses of audit tokens, newest first."""
    from service.audit.access import uses

    since = datetime.fromisoformat(args.since) if args.since else None
    trainee = trainee_uuid(args.trainee_id) if args.trainee_id else None
    rows = with_conn(
        settings,
        lambda c: uses(
            c, token_id=args.token_id, trainee_id=trainee, since=since, limit=args.limit
        ),
    )
    for r in rows:
        who = r["token_id"] + (f" ({r['name']})" if r["name"] else "")
        what = r["action"] + (f" {r['trainee_slug']}" if r["trainee_slug"] else "")
        detail = f" {r['detail']}" if r["detail"] else ""
        print(f"{r['at'].isoformat()}  {who}  {what}{detail}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `audit verify`, `audit seal`, `audit seals` and `audit access`."""
    audit = sub.add_parser("audit", help="tamper evidence and the record of audit use")
    asub = audit.add_subparsers(dest="action", required=True)
    verify = asub.add_parser("verify", help=cmd_verify.__doc__)
    verify.add_argument("trainee_id", metavar="TRAINEE_ID", nargs="?")
    verify.add_argument(
        "--workers",
        type=int,
        default=0,
        help="connections checking the store side by side (default: one per core)",
    )
    verify.set_defaults(run=cmd_verify)
    asub.add_parser("seal", help=cmd_seal.__doc__).set_defaults(run=cmd_seal)
    listed = asub.add_parser("seals", help=cmd_seals.__doc__)
    listed.add_argument("--limit", type=int, default=20)
    listed.set_defaults(run=cmd_seals)
    access = asub.add_parser("access", help=cmd_access.__doc__)
    access.add_argument("--token-id")
    access.add_argument("--trainee-id")
    access.add_argument("--since", metavar="TIME", help="ISO 8601, e.g. 2026-03-01T00:00:00Z")
    access.add_argument("--limit", type=int, default=100)
    access.set_defaults(run=cmd_access)
