"""Running the service and administering providers, tokens and the schema."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from datetime import date
from typing import Any

from service import accounts
from service.cli.common import database_for, positive, wait_for_database, with_conn
from service.config import Settings
from service.database import resolve, stop_embedded
from service.keyring import DEFAULT_KEY_FILE, master_keys
from service.schema import migrate


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Start the API on host:port."""
    import uvicorn

    from service.app import create_app

    database = database_for(settings)
    where = (
        "embedded PostgreSQL in " + str(settings.data_dir)
        if not settings.database_url
        else "PostgreSQL at " + database.host
    )
    print(f"trainees: serving http://{args.host}:{args.port} ({where})", flush=True)
    if args.sandbox or not settings.database_url:
        from service.cli.sandbox import announce

        local = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
        announce(database, f"http://{local}:{args.port}", only_if_empty=not args.sandbox)
    # uvicorn re-raises SIGTERM after a graceful shutdown; exit normally instead, so that
    # exit handlers run (they stop the embedded PostgreSQL server).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": "warning",
        "log_config": None,  # the service's JSON lines only
        "timeout_graceful_shutdown": 10,
    }
    if args.workers == 1:
        uvicorn.run(create_app(settings, database), **options)
        return 0
    # Worker processes share the listening socket; each builds the app from the environment,
    # so they are told where the database (and, on the embedded default, its key file) is.
    master_keys(settings)  # on the embedded default: makes the key file now, once
    os.environ["DATABASE_URL"] = database.url
    if not (settings.master_key or settings.master_key_file):
        os.environ["TRAINEES_MASTER_KEY_FILE"] = str(settings.data_dir / DEFAULT_KEY_FILE)
    uvicorn.run("service.asgi:app", factory=True, workers=args.workers, **options)
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    """Apply pending schema migrations."""
    database = resolve(settings.database_url, settings.data_dir)
    if args.wait:
        wait_for_database(database, args.wait)
    applied = asyncio.run(migrate(database.url))
    print("applied: " + ", ".join(applied) if applied else "schema is up to date")
    return 0


def cmd_providers_add(args: argparse.Namespace, settings: Settings) -> int:
    """Register a training provider."""
    provider_id = with_conn(
        settings, lambda c: accounts.add_provider(c, args.name, args.ukprn, args.accreditation_id)
    )
    print(f"provider {provider_id} added: {args.name} (UKPRN {args.ukprn})")
    return 0


def cmd_tokens_issue(args: argparse.Namespace, settings: Settings) -> int:
    """Issue a bearer token for a provider, or with --audit an auditor's read-only token;
    the token is shown once."""
    from service.audit.tokens import issue_audit_token

    expires = date.fromisoformat(args.expires) if args.expires else None
    ukprns: list[str] = args.ukprn or []
    if args.audit:
        token_id, token = with_conn(
            settings,
            lambda c: issue_audit_token(
                c, ukprns, all_providers=args.all_providers, expires_on=expires, name=args.name
            ),
        )
    elif args.all_providers or args.name or len(ukprns) != 1:
        raise accounts.AccountError(
            "a provider token needs exactly one --ukprn"
            " (--all-providers and --name go with --audit)"
        )
    else:
        token_id, token = with_conn(settings, lambda c: accounts.issue_token(c, ukprns[0], expires))
    print(f"token id: {token_id}")
    print(f"token:    {token}")
    print("Keep the token now: only its hash is stored.", file=sys.stderr)
    return 0


def cmd_tokens_revoke(args: argparse.Namespace, settings: Settings) -> int:
    """Revoke a token by its id."""
    with_conn(settings, lambda c: accounts.revoke_token(c, args.token_id))
    print(f"token {args.token_id} revoked")
    return 0


def cmd_db_stop(args: argparse.Namespace, settings: Settings) -> int:
    """Stop an embedded PostgreSQL server left running in the data folder."""
    stopped = stop_embedded(settings.data_dir)
    print("embedded PostgreSQL stopped" if stopped else "no embedded PostgreSQL running")
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the serve, migrate, providers, tokens and db commands."""
    serve = sub.add_parser("serve", help=cmd_serve.__doc__)
    serve.add_argument("--host", default=os.environ.get("TRAINEES_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("TRAINEES_PORT", "8000")))
    serve.add_argument(
        "--sandbox",
        action="store_true",
        help="create the sandbox provider and print a token for it, even with DATABASE_URL set"
        " or providers registered (without: only on the embedded default's empty register)",
    )
    serve.add_argument(
        "--workers",
        type=positive,
        default=positive(os.environ.get("TRAINEES_WORKERS", "1")),
        help="API processes sharing the port (TRAINEES_WORKERS; default 1): one per core the"
        " database and other work leave free",
    )
    serve.set_defaults(run=cmd_serve)
    migrate_ = sub.add_parser("migrate", help=cmd_migrate.__doc__)
    migrate_.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="wait up to SECONDS for the database to accept connections first",
    )
    migrate_.set_defaults(run=cmd_migrate)
    providers = sub.add_parser("providers", help="manage training providers").add_subparsers(
        dest="action", required=True
    )
    add = providers.add_parser("add", help=cmd_providers_add.__doc__)
    add.add_argument("--name", required=True)
    add.add_argument("--ukprn", required=True)
    add.add_argument("--accreditation-id")
    add.set_defaults(run=cmd_providers_add)
    tokens = sub.add_parser("tokens", help="manage API tokens").add_subparsers(
        dest="action", required=True
    )
    issue = tokens.add_parser("issue", help=cmd_tokens_issue.__doc__)
    issue.add_argument("--ukprn", action="append", help="the provider (repeat with --audit)")
    issue.add_argument("--expires", metavar="YYYY-MM-DD")
    issue.add_argument("--audit", action="store_true", help="a read-only token for auditors")
    issue.add_argument(
        "--all-providers", action="store_true", help="with --audit: every provider's trainees"
    )
    issue.add_argument("--name", help="with --audit: who holds the token, for the access record")
    issue.set_defaults(run=cmd_tokens_issue)
    revoke = tokens.add_parser("revoke", help=cmd_tokens_revoke.__doc__)
    revoke.add_argument("token_id", metavar="TOKEN_ID")
    revoke.set_defaults(run=cmd_tokens_revoke)
    db = sub.add_parser("db", help="the embedded database").add_subparsers(
        dest="action", required=True
    )
    db.add_parser("stop", help=cmd_db_stop.__doc__).set_defaults(run=cmd_db_stop)
