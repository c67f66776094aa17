"""The sandbox: a provider for client developers to try the API with, and sample trainees."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

import asyncpg

from service import accounts
from service.cli.common import database_for, register_for
from service.clock import today
from service.config import Settings
from service.database import Database
from service.versions import HEAD

if TYPE_CHECKING:  # the sandbox brings the HTTP layer with it: other commands start without it
    from service import sandbox


def _opened(database: Database, *, only_if_empty: bool, token: bool) -> sandbox.Sandbox | None:
    """The sandbox provider, created if allowed; with token, one is issued if none was."""
    from service import sandbox

    async def run() -> sandbox.Sandbox | None:
        conn = await asyncpg.connect(database.url)
        try:
            opened = await sandbox.open_sandbox(conn, only_if_empty=only_if_empty)
            if opened is not None and token and opened.token is None:
                issued = (await accounts.issue_token(conn, sandbox.UKPRN, None))[1]
                opened = sandbox.Sandbox(opened.provider, opened.created, issued)
            return opened
        finally:
            await conn.close()

    return asyncio.run(run())


def announce(database: Database, base_url: str, *, only_if_empty: bool) -> None:
    """At start-up: create the sandbox if wanted and print how to use it."""
    from service import sandbox

    opened = _opened(database, only_if_empty=only_if_empty, token=True)
    if opened is None:
        return
    print(
        f'trainees: sandbox provider "{sandbox.NAME}" (UKPRN {sandbox.UKPRN})'
        f"{' created' if opened.created else ''}; a new token for it and a first request:\n"
        f"  export TOKEN={opened.token}\n"
        f'  curl -H "Authorization: Bearer $TOKEN" {base_url}/api/{HEAD.name}/info\n'
        "trainees: `trainees sandbox seed` adds sample trainees in every state",
        flush=True,
    )


def cmd_sandbox_seed(args: argparse.Namespace, settings: Settings) -> int:
    """Add sample trainees in every state to the sandbox provider (created if missing)."""
    from service import sandbox

    database = database_for(settings)
    opened = _opened(database, only_if_empty=False, token=False)
    assert opened is not None  # only_if_empty=False always opens it
    if opened.token:
        print(f"sandbox provider UKPRN {sandbox.UKPRN} created; token: {opened.token}")
    register = register_for(settings, database)
    try:
        made = sandbox.seed(register, database.url, opened.provider, today())
    finally:
        register.close()
    for slug, name, state in made:
        print(f"{slug}  {state:<22}  {name}")
    print(f"{len(made)} sample trainees added to UKPRN {sandbox.UKPRN}")
    return 0


def cmd_sandbox_token(args: argparse.Namespace, settings: Settings) -> int:
    """Print a new token for the sandbox provider (created if missing)."""
    opened = _opened(database_for(settings), only_if_empty=False, token=True)
    assert opened is not None and opened.token is not None
    print(opened.token)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the sandbox commands."""
    box = sub.add_parser("sandbox", help="a provider and sample data to try the API with")
    actions = box.add_subparsers(dest="action", required=True)
    actions.add_parser("seed", help=cmd_sandbox_seed.__doc__).set_defaults(run=cmd_sandbox_seed)
    actions.add_parser("token", help=cmd_sandbox_token.__doc__).set_defaults(run=cmd_sandbox_token)
