"""`passage users add-api-key | revoke-api-key`: the keys partner systems call the API with."""

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from passage.runtime.migrate import open_database

ACTOR = "cli"
SOURCE = "cli"


def _add_api_key(args: argparse.Namespace) -> int:
    from casework.account_rules import AccountError
    from casework.api_keys import create_api_key
    from passage.config import unit_of_work

    open_database()
    try:
        with unit_of_work() as session:
            raw_key, api_key = create_api_key(
                session,
                args.organization_id,
                args.label,
                now=datetime.now(UTC),
                actor=ACTOR,
                source=SOURCE,
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
    from casework.api_keys import revoke_api_key
    from passage.config import unit_of_work

    open_database()
    with unit_of_work() as session:
        revoked = revoke_api_key(
            session, args.prefix, now=datetime.now(UTC), actor=ACTOR, source=SOURCE
        )
    if not revoked:
        print(f"No API key in use with prefix {args.prefix!r}.", file=sys.stderr)
        return 1
    print(f"Revoked API key {args.prefix}.")
    return 0


def add_actions(actions: Any) -> None:
    add_key = actions.add_parser(
        "add-api-key", help="create an API key for a partner system; it is shown once"
    )
    add_key.add_argument("organization_id", help="the HSDS organization.id in the directory")
    add_key.add_argument("--label", default="", help="what the key is for, e.g. the system")
    add_key.set_defaults(handler=_add_api_key)

    revoke = actions.add_parser("revoke-api-key", help="stop an API key from working")
    revoke.add_argument("prefix", help="the prefix shown when the key was made")
    revoke.set_defaults(handler=_revoke_api_key)
