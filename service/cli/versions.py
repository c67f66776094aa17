"""`trainees versions usage [--since DATE]`: who still calls each API version."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta

from service.cli.common import with_conn
from service.config import Settings
from service.usage import report
from service.versions import VERSIONS, served


def usage(args: argparse.Namespace, settings: Settings) -> int:
    """Requests per version and provider since a day (default: the last 30 days)."""
    since = args.since or datetime.now(UTC).date() - timedelta(days=30)
    rows = with_conn(settings, lambda conn: report(conn, since))
    sunsets = {VERSIONS[s].name: d for s, d in settings.version_sunsets.items()}
    print(f"requests since {since.isoformat()} (counted per process, saved in batches)")
    print(f"{'version':<12} {'provider':<38} {'requests':>10}  last seen")
    for version in served(VERSIONS):
        mark = f"  sunset {sunsets[version.name].isoformat()}" if version.name in sunsets else ""
        mine = [r for r in rows if r["version"] == version.name]
        if not mine:
            print(f"{version.name:<12} {'-':<38} {0:>10}{mark}")
        for row in mine:
            seen = row["last_seen"].astimezone(UTC).strftime("%Y-%m-%d %H:%M")
            print(
                f"{version.name:<12} {row['provider_id']:<38} {row['requests']:>10}  {seen}{mark}"
            )
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the versions commands."""
    actions = sub.add_parser("versions", help="the API versions").add_subparsers(
        dest="action", required=True
    )
    command = actions.add_parser("usage", help=usage.__doc__)
    command.add_argument("--since", type=date.fromisoformat, help="first day counted (YYYY-MM-DD)")
    command.set_defaults(run=usage)
