"""Personal data: erasing a trainee, rotating the master key, sealing what was stored plain."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from pathlib import Path

from domain.errors import NotFound
from domain.values import Actor
from service.cli.common import database_for, positive, register_for
from service.config import Settings
from service.keyring import (
    DEFAULT_KEY_FILE,
    MasterKeys,
    master_keys,
    new_master_key,
    parse_key,
    read_key_file,
)


def cmd_erase(args: argparse.Namespace, settings: Settings) -> int:
    """Erase a trainee's personal data: record why, and destroy the trainee's data key."""
    from service.erasure import erase

    if not args.reason.strip():
        print("trainees: --reason must say why the trainee is erased", file=sys.stderr)
        return 2
    register = register_for(settings)
    try:
        done = erase(
            register,
            slug=args.trainee_id,
            reason=args.reason,
            ticket=args.ticket,
            actor=Actor(source="operator", operator=args.by or getpass.getuser()),
        )
    except NotFound:
        print(f"trainees: no trainee with id {args.trainee_id}", file=sys.stderr)
        return 1
    finally:
        register.close()
    when = done.at.isoformat(timespec="seconds")
    if done.already:
        print(f"trainee {done.trainee_id} was already erased at {when}; its key is destroyed")
    else:
        print(f"trainee {done.trainee_id} erased at {when}: its data key is destroyed")
    return 0


def _progress(label: str) -> object:
    def show(done: int, total: int) -> None:
        percent = 100 * done / total if total else 100.0
        end = "\r" if sys.stderr.isatty() and done < total else "\n"
        print(f"  {label} {done:,}/{total:,} ({percent:5.1f}%)", end=end, file=sys.stderr)

    return show


def _key_file(settings: Settings) -> Path | None:
    """The key file the master key comes from (None: TRAINEES_MASTER_KEY)."""
    if settings.master_key:
        return None
    return settings.master_key_file or settings.data_dir / DEFAULT_KEY_FILE


def _write_keys(path: Path, keys: list[str]) -> None:
    """Replace a key file at once (readers see the old file or the new one)."""
    fresh = path.with_name(path.name + ".new")
    fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write("".join(f"{k}\n" for k in keys))
    fresh.replace(path)


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings) -> int:
    """Re-wrap every data key with a new master key while the service runs."""
    from service.rotation import rotate

    database = database_for(settings)
    register_for(settings, database).close()  # the tables exist, the key is valid
    path = _key_file(settings)
    if path is None:  # keys from the environment: the operator put the new one first
        master = master_keys(settings)
        if len(master.keys) < 2:
            print(
                "trainees: set TRAINEES_MASTER_KEY to NEW,OLD (the new key first) on the service"
                " and here, then rotate; afterwards leave only NEW",
                file=sys.stderr,
            )
            return 2
    else:
        old = [line.strip() for line in path.read_text().splitlines() if line.strip()]
        new = args.new_key.strip() if args.new_key else new_master_key()
        parse_key(new, "--new-key")
        _write_keys(path, [new, *old])  # running services read the file again when it changes
        master = MasterKeys(read_key_file(path), source=path)
    done = asyncio.run(
        rotate(
            database.url,
            master,
            batch=args.batch_size,
            settle=args.settle,
            progress=_progress("re-wrapped"),  # type: ignore[arg-type]
        )
    )
    if path is not None:
        _write_keys(path, [path.read_text().splitlines()[0].strip()])
    print(
        f"keys: {done.keys:,} data keys and {done.secrets} secrets re-wrapped by master key"
        f" {done.master_key_id}"
        + ("" if path is not None else "; now remove the old key from TRAINEES_MASTER_KEY")
    )
    return 0


def cmd_personal_data_seal(args: argparse.Namespace, settings: Settings) -> int:
    """Seal the personal data stored in plaintext before it was sealed (resumable)."""
    from service.backfill import seal_existing
    from service.eventstore import keyed_mapper

    database = database_for(settings)
    register_for(settings, database).close()
    mapper = keyed_mapper(master_keys(settings), makes_keys=True)
    done = asyncio.run(
        seal_existing(
            database.url,
            mapper,
            batch=args.batch_size,
            progress=_progress("trainees"),  # type: ignore[arg-type]
        )
    )
    print(
        f"personal data: {done.trainees:,} trainees checked, {done.events:,} events and"
        f" {done.rows:,} rows sealed in {done.seconds:.1f}s"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the erase, keys and personal-data commands."""
    erase = sub.add_parser("erase", help=cmd_erase.__doc__)
    erase.add_argument("trainee_id", metavar="TRAINEE_ID")
    erase.add_argument("--reason", required=True, help="why (no personal data)")
    erase.add_argument("--ticket", help="link to the request or support ticket")
    erase.add_argument("--by", help="operator name recorded on the event (default: login name)")
    erase.set_defaults(run=cmd_erase)
    keys = sub.add_parser("keys", help="the master key").add_subparsers(
        dest="action", required=True
    )
    rotate = keys.add_parser("rotate", help=cmd_keys_rotate.__doc__)
    rotate.add_argument("--new-key", help="the new master key (default: a new random one)")
    rotate.add_argument("--batch-size", type=positive, default=1000)
    rotate.add_argument(
        "--settle", type=float, default=2.0, help="seconds before the second sweep (default 2)"
    )
    rotate.set_defaults(run=cmd_keys_rotate)
    personal = sub.add_parser("personal-data", help="personal data stored before sealing")
    seal = personal.add_subparsers(dest="action", required=True).add_parser(
        "seal", help=cmd_personal_data_seal.__doc__
    )
    seal.add_argument("--batch-size", type=positive, default=500)
    seal.set_defaults(run=cmd_personal_data_seal)
