"""`passage users ...` (also `passage accounts ...`): accounts of every role (casework.roles),
their chat enrolment codes and TOTP second factors, and the API keys of partner systems.

Every change is audited by the casework function that makes it, whichever command calls it.
"""

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from passage.cli import api_keys, user_secrets
from passage.cli.passwords import ENV_VARIABLE, add_password_option, new_password
from passage.runtime.migrate import open_database

ACTOR = "cli"
SOURCE = "cli"


def _create(
    args: argparse.Namespace,
    *,
    role: str,
    organization_id: str,
    unit: str | None,
    region: str | None,
) -> int:
    from sqlalchemy.exc import IntegrityError

    from casework.account_rules import AccountError
    from casework.accounts import create_account
    from passage.config import unit_of_work

    password = new_password(args)
    if password is None:
        return 2
    open_database()
    now = datetime.now(UTC)
    try:
        with unit_of_work() as session:
            account = create_account(
                session,
                role=role,
                organization_id=organization_id,
                username=args.username,
                password=password,
                unit=unit,
                region=region,
                now=now,
                actor=ACTOR,
                source=SOURCE,
            )
            username, role = account.username, account.role
    except AccountError as error:
        print(error, file=sys.stderr)
        return 2
    except IntegrityError:
        # Another process created the same username between our check and our insert.
        print(f"There is already an account named {args.username!r}.", file=sys.stderr)
        return 2
    print(f"Created {role} account {username} of {organization_id}.")
    return 0


def _add(args: argparse.Namespace) -> int:
    return _create(
        args, role=args.role, organization_id=args.org, unit=args.unit, region=args.region
    )


def _add_staff(args: argparse.Namespace) -> int:
    return _create(
        args, role="intake", organization_id=args.organization_id, unit=None, region=None
    )


def disable_command(args: argparse.Namespace) -> int:
    from casework.accounts import disable_account
    from passage.config import unit_of_work

    open_database()
    with unit_of_work() as session:
        found = disable_account(
            session, args.username, now=datetime.now(UTC), actor=ACTOR, source=SOURCE
        )
    if not found:
        print(f"No account named {args.username!r}.", file=sys.stderr)
        return 1
    print(f"Disabled {args.username.strip().lower()}; its sessions and chats stop working.")
    return 0


def _list(args: argparse.Namespace) -> int:
    from casework.account_models import staff_accounts
    from passage.config import session_factory

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


def add_commands(commands: Any) -> None:
    from casework.roles import ROLES

    users = commands.add_parser(
        "users",
        aliases=["accounts"],
        help="accounts of every role, chat enrolment codes, TOTP, partner API keys",
        description=f"The password of a new account is read from stdin (--password-stdin), "
        f"from {ENV_VARIABLE}, or asked twice; never from an argument.",
    )
    actions = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="create an account of any role")
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
    add_password_option(add)
    add.set_defaults(handler=_add)

    add_staff = actions.add_parser(
        "add-staff", help="create an intake account of a provider (as add --role intake)"
    )
    add_staff.add_argument("organization_id", help="the HSDS organization.id in the directory")
    add_staff.add_argument("username", help="3 to 64 characters: a-z, 0-9, '.', '_', '-'")
    add_password_option(add_staff)
    add_staff.set_defaults(handler=_add_staff)

    disable = actions.add_parser("disable", help="disable an account; its sessions end")
    disable.add_argument("username")
    disable.set_defaults(handler=disable_command)

    listing = actions.add_parser("list", help="list accounts (never their secrets)")
    listing.add_argument(
        "--org", "--organization", dest="org", metavar="ORG", help="only this organization"
    )
    listing.set_defaults(handler=_list)

    user_secrets.add_actions(actions)
    api_keys.add_actions(actions)
