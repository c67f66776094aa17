"""The projection worker command: `trainees projections run [--once]`."""

from __future__ import annotations

import argparse
import asyncio
import signal

from service.cli.common import database_for, positive, register_for
from service.config import Settings
from service.eventstore import blind_mapper
from service.observability.logs import configure


def cmd_projections_run(args: argparse.Namespace, settings: Settings) -> int:
    """Follow the event store into the asynchronous projections and seal the store every
    TRAINEES_SEAL_INTERVAL seconds; --once: catch up, seal and exit."""
    from projections.worker import run

    configure(settings.log_level)
    database = database_for(settings)
    register_for(settings, database).close()  # creates the events table on a new database
    mapper = blind_mapper()  # the audit log holds no personal data: it needs no key

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        return await run(
            database.url,
            mapper,
            stop,
            once=args.once,
            batch=args.batch_size or settings.worker_batch_size,
            idle=settings.worker_idle,
            seal_every=settings.seal_interval,
        )

    applied = asyncio.run(main())
    print(f"projections: applied {applied:,} events")
    return 0


def _projections(sub: argparse._SubParsersAction) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    """The sub-commands of `trainees projections` (the records module creates it)."""
    parser = sub.choices["projections"]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `projections run`."""
    run = _projections(sub).add_parser("run", help=cmd_projections_run.__doc__)
    run.add_argument("--once", action="store_true", help="catch up with the event store and exit")
    run.add_argument("--batch-size", type=positive, help="events per transaction")
    run.set_defaults(run=cmd_projections_run)
