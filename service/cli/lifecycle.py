"""Transitions that come from outside the API: TRN, award, reinstatement, undoing a withdrawal."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date

from domain.errors import NotFound, StateTransitionRefused, TraineeErased
from service import lifecycle
from service.cli.common import register_for
from service.commands import Written
from service.config import Settings
from service.eventstore import TraineeRegister
from service.teacher_records import LocalTeacherRecords


def _run(settings: Settings, args: argparse.Namespace, act: Callable[..., Written]) -> int:
    register = register_for(settings)
    try:
        written = act(register, LocalTeacherRecords(register, args.by))
    except NotFound:
        print(f"trainees: no trainee with id {args.trainee_id}", file=sys.stderr)
        return 1
    except TraineeErased:
        print(f"trainees: trainee {args.trainee_id} was erased", file=sys.stderr)
        return 1
    except StateTransitionRefused:
        print(
            f"trainees: trainee {args.trainee_id} cannot do that in its current state",
            file=sys.stderr,
        )
        return 1
    finally:
        register.close()
    print(f"trainee {args.trainee_id} is now {written.document['state']}")
    return 0


def cmd_trn_receive(args: argparse.Namespace, settings: Settings) -> int:
    """Record the TRN the teacher-record system allocated."""
    return _run(settings, args, lambda _, port: port.trn_received(args.trainee_id, args.trn))


def cmd_award(args: argparse.Namespace, settings: Settings) -> int:
    """Record the award of QTS or EYTS to a recommended trainee."""
    on = date.fromisoformat(args.date) if args.date else None
    return _run(settings, args, lambda _, port: port.awarded(args.trainee_id, on))


def cmd_reinstate(args: argparse.Namespace, settings: Settings) -> int:
    """Resume a deferred trainee's training."""
    on = date.fromisoformat(args.date) if args.date else date.today()

    def act(register: TraineeRegister, port: LocalTeacherRecords) -> Written:
        return lifecycle.reinstate(register, slug=args.trainee_id, on=on, actor=port.actor)

    return _run(settings, args, act)


def cmd_withdrawal_undo(args: argparse.Namespace, settings: Settings) -> int:
    """Take back a withdrawal recorded in error (a comment is required)."""

    def act(register: TraineeRegister, port: LocalTeacherRecords) -> Written:
        return lifecycle.undo_withdrawal(
            register,
            slug=args.trainee_id,
            comment=args.comment,
            ticket=args.ticket,
            actor=port.actor,
        )

    return _run(settings, args, act)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the trn, award, reinstate and withdrawal commands."""

    def command(
        parent: argparse._SubParsersAction,  # type: ignore[type-arg]
        name: str,
        fn: Callable[..., int],
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(name, help=fn.__doc__)
        p.add_argument("trainee_id", metavar="TRAINEE_ID")
        p.add_argument("--by", help="operator name recorded on the event (default: login name)")
        p.set_defaults(run=fn)
        return p

    trn = sub.add_parser("trn", help="TRNs from the teacher-record system").add_subparsers(
        dest="action", required=True
    )
    command(trn, "receive", cmd_trn_receive).add_argument("trn", metavar="TRN")
    command(sub, "award", cmd_award).add_argument("--date", metavar="YYYY-MM-DD")
    command(sub, "reinstate", cmd_reinstate).add_argument("--date", metavar="YYYY-MM-DD")
    withdrawal = sub.add_parser("withdrawal", help="withdrawals").add_subparsers(
        dest="action", required=True
    )
    undo = command(withdrawal, "undo", cmd_withdrawal_undo)
    undo.add_argument("--comment", required=True, help="why the withdrawal is taken back")
    undo.add_argument("--ticket", help="link to the support ticket")
