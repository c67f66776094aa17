"""The `trainees` command: run the service and operate it."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import warnings
from collections.abc import Callable, Coroutine
from datetime import date
from typing import Any

import asyncpg
import msgspec

from service import accounts
from service.config import SettingError, Settings
from service.database import Database, resolve, stop_embedded
from service.schema import migrate

warnings.filterwarnings("ignore", module="platformdirs")


def _database(settings: Settings) -> Database:
    database = resolve(settings.database_url, settings.data_dir)
    asyncio.run(migrate(database.url))
    return database


def _with_conn(
    settings: Settings, work: Callable[[asyncpg.Connection], Coroutine[Any, Any, Any]]
) -> Any:
    database = _database(settings)

    async def run() -> Any:
        conn = await asyncpg.connect(database.url)
        try:
            return await work(conn)
        finally:
            await conn.close()

    return asyncio.run(run())


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Start the API on host:port."""
    import uvicorn

    from service.app import create_app

    database = _database(settings)
    where = (
        "embedded PostgreSQL in " + str(settings.data_dir)
        if not settings.database_url
        else "PostgreSQL at " + database.host
    )
    print(f"trainees: serving http://{args.host}:{args.port} ({where})", flush=True)
    # uvicorn re-raises SIGTERM after a graceful shutdown; exit normally instead, so that
    # exit handlers run (they stop the embedded PostgreSQL server).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    uvicorn.run(create_app(settings, database), host=args.host, port=args.port,
                log_level="warning", timeout_graceful_shutdown=10)  # fmt: skip
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Apply pending schema migrations."""
    database = resolve(settings.database_url, settings.data_dir)
    applied = asyncio.run(migrate(database.url))
    print("applied: " + ", ".join(applied) if applied else "schema is up to date")
    return 0


def cmd_providers_add(args: argparse.Namespace, settings: Settings) -> int:
    """Register a training provider."""
    provider_id = _with_conn(settings, lambda c: accounts.add_provider(
        c, args.name, args.ukprn, args.accreditation_id))  # fmt: skip
    print(f"provider {provider_id} added: {args.name} (UKPRN {args.ukprn})")
    return 0


def cmd_tokens_issue(args: argparse.Namespace, settings: Settings) -> int:
    """Issue a bearer token for a provider; the token is shown once."""
    expires = date.fromisoformat(args.expires) if args.expires else None
    token_id, token = _with_conn(settings, lambda c: accounts.issue_token(c, args.ukprn, expires))
    print(f"token id: {token_id}")
    print(f"token:    {token}")
    print("Keep the token now: only its hash is stored.", file=sys.stderr)
    return 0


def cmd_tokens_revoke(args: argparse.Namespace, settings: Settings) -> int:
    """Revoke a token by its id."""
    _with_conn(settings, lambda c: accounts.revoke_token(c, args.token_id))
    print(f"token {args.token_id} revoked")
    return 0


def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    """Print a trainee's events in order."""
    from service.eventstore import open_register
    from service.history import history, render_text

    register = open_register(_database(settings), 1)
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
    from service.eventstore import open_register

    database = _database(settings)
    register = open_register(database, 1)  # creates the events table on a new database
    mapper = register.mapper
    register.close()
    report = asyncio.run(rebuild(database.url, mapper, verify=args.verify,
                                 batch_size=args.batch_size, progress=_progress))  # fmt: skip
    rate = report.events / report.seconds if report.seconds else 0
    print(f"trainees: {report.events:,} events into {report.trainees:,} rows in "
          f"{report.seconds:.2f}s ({rate:,.0f} events/s), position {report.position}")  # fmt: skip
    if report.differences is not None:
        print(f"verify: {report.differences} rows differ between the live and rebuilt model")
        return 1 if report.differences else 0
    return 0


def cmd_projections_status(args: argparse.Namespace, settings: Settings) -> int:
    """Show each projection's position and lag."""
    from projections.rebuild import status

    database = _database(settings)
    from service.eventstore import open_register

    open_register(database, 1).close()
    for row in asyncio.run(status(database.url)):
        print("  ".join(f"{k}={v}" for k, v in row.items()))
    return 0


def cmd_db_stop(args: argparse.Namespace, settings: Settings) -> int:
    """Stop an embedded PostgreSQL server left running in the data folder."""
    stopped = stop_embedded(settings.data_dir)
    print("embedded PostgreSQL stopped" if stopped else "no embedded PostgreSQL running")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="trainees", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help=cmd_serve.__doc__)
    serve.add_argument("--host", default=os.environ.get("TRAINEES_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("TRAINEES_PORT", "8000")))
    serve.set_defaults(run=cmd_serve)
    sub.add_parser("migrate", help=cmd_migrate.__doc__).set_defaults(run=cmd_migrate)
    providers = sub.add_parser("providers", help="manage training providers").add_subparsers(
        dest="action", required=True)  # fmt: skip
    add = providers.add_parser("add", help=cmd_providers_add.__doc__)
    add.add_argument("--name", required=True)
    add.add_argument("--ukprn", required=True)
    add.add_argument("--accreditation-id")
    add.set_defaults(run=cmd_providers_add)
    tokens = sub.add_parser("tokens", help="manage API tokens").add_subparsers(
        dest="action", required=True)  # fmt: skip
    issue = tokens.add_parser("issue", help=cmd_tokens_issue.__doc__)
    issue.add_argument("--ukprn", required=True)
    issue.add_argument("--expires", metavar="YYYY-MM-DD")
    issue.set_defaults(run=cmd_tokens_issue)
    revoke = tokens.add_parser("revoke", help=cmd_tokens_revoke.__doc__)
    revoke.add_argument("token_id", metavar="TOKEN_ID")
    revoke.set_defaults(run=cmd_tokens_revoke)
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
    rebuild.set_defaults(run=cmd_projections_rebuild)
    psub.add_parser("status", help=cmd_projections_status.__doc__).set_defaults(
        run=cmd_projections_status)  # fmt: skip
    db = sub.add_parser("db", help="the embedded database").add_subparsers(
        dest="action", required=True
    )
    db.add_parser("stop", help=cmd_db_stop.__doc__).set_defaults(run=cmd_db_stop)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `trainees` console script."""
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return int(args.run(args, settings))
    except SettingError as exc:
        print(f"trainees: invalid setting: {exc}", file=sys.stderr)
        return 2
    except accounts.AccountError as exc:
        print(f"trainees: {exc}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"trainees: {exc}", file=sys.stderr)
        return 2
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"trainees: cannot reach the database: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
