"""`passage cases close|hold|release|erase REF`: a case's end, legal hold, and erasure.

Refusals are audited, so each command commits its unit of work even when it refuses.
"""

import argparse
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from passage.runtime.migrate import open_database

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from casework.account_models import StaffAccount
    from casework.models import Case

HOLD_REASONS = ("investigation", "prosecution", "court_order", "litigation")
ERASURE_REASONS = ("person_request", "representative_request", "authority_order")


class _Stop(Exception):
    """A message for the operator; nothing was changed."""


def _case(session: "Session", text: str) -> "Case":
    from sqlalchemy import select

    from casework.models import Case
    from casework.references import InvalidReference, normalize_reference

    try:
        reference = normalize_reference(text)
    except InvalidReference:
        raise _Stop(f"{text!r} is not a case reference.") from None
    case = session.scalars(select(Case).where(Case.reference == reference)).one_or_none()
    if case is None:
        raise _Stop(f"No case {reference}.")
    return case


def _account(session: "Session", username: str) -> "StaffAccount":
    from sqlalchemy import select

    from casework.account_models import StaffAccount
    from casework.account_rules import normalise_username

    name = normalise_username(username)
    account = session.scalars(select(StaffAccount).where(StaffAccount.username == name)).first()
    if account is None:
        raise _Stop(f"No account named {name!r}.")
    return account


def _close(args: argparse.Namespace) -> int:
    from casework.closing import NotClosable, close_case
    from passage.config import unit_of_work

    open_database()
    try:
        with unit_of_work() as session:
            case = _case(session, args.reference)
            close_case(session, case, actor="cli", now=datetime.now(UTC))
            reference = case.reference
    except (_Stop, NotClosable) as problem:
        print(problem, file=sys.stderr)
        return 1
    print(f"Case {reference} is closed; its retention period starts now.")
    return 0


def _hold(args: argparse.Namespace) -> int:
    from casework.legal_hold import HoldReason, HoldRefused, place_legal_hold
    from passage.config import unit_of_work

    open_database()
    refused: HoldRefused | None = None
    try:
        with unit_of_work() as session:
            case = _case(session, args.reference)
            try:
                place_legal_hold(
                    session,
                    case,
                    _account(session, args.by),
                    HoldReason(args.reason),
                    datetime.now(UTC),
                )
            except HoldRefused as problem:
                refused = problem  # the refusal's audit entry is committed
            reference = case.reference
    except _Stop as problem:
        print(problem, file=sys.stderr)
        return 1
    if refused is not None:
        print(f"Refused: {refused}.", file=sys.stderr)
        return 1
    print(f"Case {reference} is under legal hold: retention and erasure leave it alone.")
    return 0


def _release(args: argparse.Namespace) -> int:
    from casework.legal_hold import HoldRefused, release_legal_hold
    from passage.config import unit_of_work

    open_database()
    refused: HoldRefused | None = None
    released = False
    try:
        with unit_of_work() as session:
            case = _case(session, args.reference)
            try:
                released = release_legal_hold(
                    session, case, _account(session, args.by), datetime.now(UTC)
                )
            except HoldRefused as problem:
                refused = problem
            reference = case.reference
    except _Stop as problem:
        print(problem, file=sys.stderr)
        return 1
    if refused is not None:
        print(f"Refused: {refused}.", file=sys.stderr)
        return 1
    print(f"Case {reference} " + ("is released." if released else "was not under legal hold."))
    return 0


def _erase(args: argparse.Namespace) -> int:
    from casework.erasure import ErasureReason, ErasureRefused, ErasureReport, erase_case
    from casework.transcripts import TranscriptStore
    from passage.config import get_settings, unit_of_work

    settings = get_settings()
    open_database()
    store = TranscriptStore(settings.resolved_tracker_url)
    refused: ErasureRefused | None = None
    report: ErasureReport | None = None
    try:
        with unit_of_work() as session:
            case = _case(session, args.reference)
            try:
                report = erase_case(
                    session,
                    case,
                    _account(session, args.by),
                    ErasureReason(args.reason),
                    store,
                    base_url=settings.resolved_public_base_url,
                    now=datetime.now(UTC),
                )
            except ErasureRefused as problem:
                refused = problem
    except _Stop as problem:
        print(problem, file=sys.stderr)
        return 1
    finally:
        store.close()
    if report is None:
        print(f"Refused: {refused}.", file=sys.stderr)
        return 1
    print(
        f"Erased. Consents withdrawn: {report.consents_withdrawn}; answers deleted: "
        f"{report.rows_deleted}; open referrals withdrawn and their providers told to delete: "
        f"{report.referrals_withdrawn}; chat transcripts deleted: {report.transcripts_deleted}"
        + (
            f" ({report.transcripts_held} kept: another case under legal hold is in them)"
            if report.transcripts_held
            else ""
        )
        + "."
    )
    return 0


def add_commands(commands: Any) -> None:
    cases = commands.add_parser("cases", help="close a case, hold it, or erase it on request")
    sub = cases.add_subparsers(dest="cases_command", required=True, metavar="ACTION")

    close = sub.add_parser("close", help="close the case; retention reduces it after the period")
    close.add_argument("reference")
    close.set_defaults(handler=_close)

    hold = sub.add_parser("hold", help="legal hold (coordinators): never purged nor reduced")
    hold.add_argument("reference")
    hold.add_argument("--by", required=True, metavar="USERNAME", help="the coordinator")
    hold.add_argument("--reason", required=True, choices=HOLD_REASONS, help="a reason code")
    hold.set_defaults(handler=_hold)

    release = sub.add_parser("release", help="lift a legal hold (coordinators)")
    release.add_argument("reference")
    release.add_argument("--by", required=True, metavar="USERNAME", help="the coordinator")
    release.set_defaults(handler=_release)

    erase = sub.add_parser(
        "erase", help="the person withdraws and asks for deletion: erase what identifies them"
    )
    erase.add_argument("reference")
    erase.add_argument(
        "--by",
        required=True,
        metavar="USERNAME",
        help="the case's officer, their unit's caseworker or the region's coordinator",
    )
    erase.add_argument("--reason", required=True, choices=ERASURE_REASONS, help="a reason code")
    erase.set_defaults(handler=_erase)
