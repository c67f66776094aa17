"""The `trainees` command: run the service and operate it."""

from __future__ import annotations

import argparse
import sys
import warnings

import asyncpg

from service import accounts
from service.cli import (
    admin,
    audit,
    bench,
    lifecycle,
    personal,
    records,
    reference_data,
    sandbox,
    versions,
    worker,
)
from service.config import SettingError, Settings

warnings.filterwarnings("ignore", module="platformdirs")

COMMAND_MODULES = (
    admin,
    records,
    lifecycle,
    personal,
    worker,
    reference_data,
    versions,
    sandbox,
    bench,
    audit,
)
"""Each module adds its commands to the parser with register(subparsers)."""


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(prog="trainees", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    for module in COMMAND_MODULES:
        module.register(sub)
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
    except TimeoutError as exc:  # an append still running, a connection not made in time
        print(
            f"trainees: the database is busy ({exc or type(exc).__name__}); try again",
            file=sys.stderr,
        )
        return 3
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"trainees: cannot reach the database: {exc}", file=sys.stderr)
        return 3
