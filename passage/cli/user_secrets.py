"""`passage users enrol-code | totp`: the one-time secrets an account's person is given.

Each is printed once on stdout, alone, so a script can capture it; advice goes to stderr.
"""

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from passage.runtime.migrate import open_database

ACTOR = "cli"
SOURCE = "cli"


def _enrol_code(args: argparse.Namespace) -> int:
    from casework.account_models import find_account
    from casework.enrolment import CODE_TTL, EnrolmentError, issue_code
    from passage.config import unit_of_work

    open_database()
    now = datetime.now(UTC)
    try:
        with unit_of_work() as session:
            account = find_account(session, args.username)
            if account is None:
                print(f"No account named {args.username!r}.", file=sys.stderr)
                return 1
            code = issue_code(session, account, issued_by=ACTOR, now=now, source="cli")
    except EnrolmentError as error:
        print(error, file=sys.stderr)
        return 2
    print(code)
    print(
        f"One-time chat enrolment code, valid until {now + CODE_TTL:%Y-%m-%d %H:%M} UTC. "
        "Give it to the person directly; earlier unused codes no longer work.",
        file=sys.stderr,
    )
    return 0


def _totp(args: argparse.Namespace) -> int:
    from casework.account_models import find_account
    from casework.account_rules import AccountError
    from casework.login import set_up_totp
    from casework.totp import provisioning_uri
    from passage.config import unit_of_work

    open_database()
    try:
        with unit_of_work() as session:
            account = find_account(session, args.username)
            if account is None:
                print(f"No account named {args.username!r}.", file=sys.stderr)
                return 1
            secret = set_up_totp(
                session, account, actor=ACTOR, source=SOURCE, now=datetime.now(UTC)
            )
            uri = provisioning_uri(secret, account.username)
    except AccountError as error:
        print(error, file=sys.stderr)
        return 2
    print(uri)
    print(
        "Add this to the person's authenticator app (as a QR code or a paste); it is not shown "
        "again. From the next web login the app's 6-digit code is asked.",
        file=sys.stderr,
    )
    return 0


def add_actions(actions: Any) -> None:
    enrol = actions.add_parser(
        "enrol-code", help="print a one-time chat enrolment code for an account"
    )
    enrol.add_argument("username")
    enrol.set_defaults(handler=_enrol_code)

    totp = actions.add_parser(
        "totp", help="set up a TOTP second factor (coordinators, admins); prints its URI once"
    )
    totp.add_argument("username")
    totp.set_defaults(handler=_totp)
