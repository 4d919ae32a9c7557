"""`passage users ...`: accounts of every role (casework.roles), their chat enrolment codes and
their TOTP second factor.

A password never comes as an argument (it would sit in the shell history and in `ps`): it is
typed twice at a prompt, or read from the first line of stdin with --password-stdin. Secrets
made here (an enrolment code, a TOTP URI) are printed once on stdout, alone, so a script can
capture them; advice goes to stderr.
"""

import argparse
import getpass
import sys
from datetime import UTC, datetime
from typing import Any

from passage.migrate import open_database

ACTOR = "cli"
SOURCE = "cli"
PURPOSE = "administration"


def _password(args: argparse.Namespace) -> str | None:
    """None after printing why not."""
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            print("No password on stdin.", file=sys.stderr)
            return None
        return line
    try:
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password again: ")
    except EOFError:
        print("No password given (type it, or use --password-stdin).", file=sys.stderr)
        return None
    if first != second:
        print("The two passwords differ; nothing created.", file=sys.stderr)
        return None
    return first


def _add(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import IntegrityError

    from casework.accounts import AccountError, create_account
    from casework.audit import record_audit
    from passage.database import unit_of_work

    password = _password(args)
    if password is None:
        return 2
    open_database()
    now = datetime.now(UTC)
    try:
        with unit_of_work() as session:
            account = create_account(
                session,
                role=args.role,
                organization_id=args.org,
                username=args.username,
                password=password,
                unit=args.unit,
                region=args.region,
                now=now,
            )
            record_audit(
                session,
                actor=ACTOR,
                action="account.created",
                outcome="done",
                detail=f"account={account.username}",
                source=SOURCE,
                purpose=PURPOSE,
                now=now,
            )
            username, role = account.username, account.role
    except AccountError as error:
        print(error, file=sys.stderr)
        return 2
    except IntegrityError:
        # Another process created the same username between our check and our insert.
        print(f"There is already an account named {args.username!r}.", file=sys.stderr)
        return 2
    print(f"Created {role} account {username} of {args.org}.")
    return 0


def disable_command(args: argparse.Namespace) -> int:
    from casework.accounts import disable_account
    from casework.audit import record_audit
    from passage.database import unit_of_work

    open_database()
    with unit_of_work() as session:
        found = disable_account(session, args.username)
        if found:
            record_audit(
                session,
                actor=ACTOR,
                action="account.disabled",
                outcome="done",
                detail=f"account={args.username.strip().lower()}",
                source=SOURCE,
                purpose=PURPOSE,
                now=datetime.now(UTC),
            )
    if not found:
        print(f"No account named {args.username!r}.", file=sys.stderr)
        return 1
    print(f"Disabled {args.username.strip().lower()}; its sessions and chats stop working.")
    return 0


def _list(args: argparse.Namespace) -> int:
    from casework.accounts import staff_accounts
    from passage.database import session_factory

    open_database()
    now = datetime.now(UTC)
    with session_factory()() as session:
        rows = [
            (
                a.username,
                a.role,
                a.organization_id,
                a.unit or "-",
                a.region or "-",
                "yes" if a.totp_secret else "no",
                "disabled" if a.disabled else "locked" if a.is_locked(now) else "active",
            )
            for a in staff_accounts(session, args.org)
        ]
    if not rows:
        print("No accounts.", file=sys.stderr)
        return 0
    header = ("USERNAME", "ROLE", "ORGANIZATION", "UNIT", "REGION", "TOTP", "STATE")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return 0


def _enrol_code(args: argparse.Namespace) -> int:
    from casework.accounts import find_account
    from casework.enrolment import CODE_TTL, EnrolmentError, issue_code
    from passage.database import unit_of_work

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
    from casework.accounts import AccountError, find_account
    from casework.login import set_up_totp
    from casework.totp import provisioning_uri
    from passage.database import unit_of_work

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


def add_commands(commands: Any) -> None:
    from casework.roles import ROLES

    users = commands.add_parser(
        "users", help="accounts of every role, chat enrolment codes and TOTP second factors"
    )
    actions = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")

    add = actions.add_parser(
        "add", help="create an account; the password is asked twice or read from stdin"
    )
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument(
        "--org",
        required=True,
        metavar="ORG",
        help="intake: the HSDS organization.id in the directory; others: their agency",
    )
    add.add_argument("--username", required=True, help="3 to 64 characters: a-z, 0-9, . _ -")
    add.add_argument("--unit", help="officers and caseworkers: their unit (required)")
    add.add_argument("--region", help="coordinators (required), officers, caseworkers")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    add.set_defaults(handler=_add)

    disable = actions.add_parser("disable", help="disable an account; its sessions end")
    disable.add_argument("username")
    disable.set_defaults(handler=disable_command)

    listing = actions.add_parser("list", help="list accounts (never their secrets)")
    listing.add_argument("--org", metavar="ORG", help="only this organization")
    listing.set_defaults(handler=_list)

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
