"""`passage accounts ...`: staff accounts of providers and API keys of partner systems."""

import argparse
import getpass
import os
import sys
from datetime import UTC, datetime
from typing import Any

from passage.migrate import open_database
from passage.users_cli import disable_command  # one audited way to disable, in both groups

ENV_VARIABLE = "PASSAGE_NEW_PASSWORD"


def _new_password() -> str | None:
    """From the environment (for scripts), else typed twice; None after printing why not."""
    from_environment = os.environ.get(ENV_VARIABLE)
    if from_environment is not None:
        return from_environment
    try:
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password again: ")
    except EOFError:
        print(f"No password given (type it, or set {ENV_VARIABLE}).", file=sys.stderr)
        return None
    if first != second:
        print("The two passwords differ; nothing created.", file=sys.stderr)
        return None
    return first


def _add_staff(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import IntegrityError

    from casework.accounts import AccountError, create_staff_account
    from passage.database import unit_of_work

    password = _new_password()
    if password is None:
        return 2
    open_database()
    try:
        with unit_of_work() as session:
            account = create_staff_account(
                session, args.organization_id, args.username, password, now=datetime.now(UTC)
            )
            username, organization_id = account.username, account.organization_id
    except AccountError as error:
        print(error, file=sys.stderr)
        return 2
    except IntegrityError:
        # Another process created the same username between our check and our insert.
        print(f"There is already an account named {args.username!r}.", file=sys.stderr)
        return 2
    print(f"Created intake account {username} of organization {organization_id}.")
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
                a.organization_id,
                a.role,
                "yes" if a.disabled else "no",
                "yes" if a.is_locked(now) else "no",
            )
            for a in staff_accounts(session, args.organization)
        ]
    if not rows:
        print("No staff accounts.", file=sys.stderr)
        return 0
    header = ("USERNAME", "ORGANIZATION", "ROLE", "DISABLED", "LOCKED")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    return 0


def _add_api_key(args: argparse.Namespace) -> int:
    from casework.accounts import AccountError, create_api_key
    from passage.database import unit_of_work

    open_database()
    try:
        with unit_of_work() as session:
            raw_key, api_key = create_api_key(
                session, args.organization_id, args.label, now=datetime.now(UTC)
            )
            prefix = api_key.prefix
    except AccountError as error:
        print(error, file=sys.stderr)
        return 2
    # The key alone on stdout, so a script can capture it; the advice goes to stderr.
    print(raw_key)
    print(
        f"API key {prefix} of organization {args.organization_id}: store it now, "
        "it cannot be shown again.",
        file=sys.stderr,
    )
    return 0


def _revoke_api_key(args: argparse.Namespace) -> int:
    from casework.accounts import revoke_api_key
    from passage.database import unit_of_work

    open_database()
    with unit_of_work() as session:
        revoked = revoke_api_key(session, args.prefix, now=datetime.now(UTC))
    if not revoked:
        print(f"No API key in use with prefix {args.prefix!r}.", file=sys.stderr)
        return 1
    print(f"Revoked API key {args.prefix}.")
    return 0


def add_commands(commands: Any) -> None:
    accounts = commands.add_parser(
        "accounts", help="staff accounts of providers and API keys of partner systems"
    )
    actions = accounts.add_subparsers(dest="accounts_command", required=True, metavar="ACTION")

    add_staff = actions.add_parser(
        "add-staff",
        help=f"create an intake account; the password comes from {ENV_VARIABLE} or is asked twice",
    )
    add_staff.add_argument("organization_id", help="the HSDS organization.id in the directory")
    add_staff.add_argument("username", help="3 to 64 characters: a-z, 0-9, '.', '_', '-'")
    add_staff.set_defaults(handler=_add_staff)

    disable = actions.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("username")
    disable.set_defaults(handler=disable_command)

    listing = actions.add_parser("list", help="list staff accounts (never their passwords)")
    listing.add_argument("--organization", metavar="ID", help="only this organization")
    listing.set_defaults(handler=_list)

    add_key = actions.add_parser(
        "add-api-key", help="create an API key for a partner system; it is shown once"
    )
    add_key.add_argument("organization_id", help="the HSDS organization.id in the directory")
    add_key.add_argument("--label", default="", help="what the key is for, e.g. the system")
    add_key.set_defaults(handler=_add_api_key)

    revoke = actions.add_parser("revoke-api-key", help="stop an API key from working")
    revoke.add_argument("prefix", help="the prefix shown when the key was made")
    revoke.set_defaults(handler=_revoke_api_key)
