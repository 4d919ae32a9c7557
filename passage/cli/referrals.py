"""`passage referrals ...`: what staff need to see and set up around sending referrals."""

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from passage.runtime.migrate import open_database

STATES = ("pending", "sending", "sent", "ambiguous", "dead")


def _outbox(args: argparse.Namespace) -> int:
    """Messages by state; never their text or recipient, which may be a phone number."""
    from sqlalchemy import select

    from casework.referral_models import OutboxMessage, Referral
    from passage.config import session_factory

    open_database()
    with session_factory()() as session:
        query = (
            select(OutboxMessage, Referral.code)
            .outerjoin(Referral, Referral.id == OutboxMessage.referral_id)
            .order_by(OutboxMessage.id.desc())
            .limit(args.limit)
        )
        if args.state:
            query = query.where(OutboxMessage.state.in_(args.state))
        rows = session.execute(query).all()
        print(
            f"{'id':>6}  {'kind':<14} {'state':<10} {'tries':>5}  {'referral':<8} "
            f"{'delivery':<11} {'created (UTC)':<16}  last error"
        )
        for message, code in rows:
            print(
                f"{message.id:>6}  {message.kind:<14} {message.state:<10} {message.attempts:>5}  "
                f"{code or '-':<8} {message.delivery_status or '-':<11} "
                f"{message.created_at:%Y-%m-%d %H:%M}  {message.last_error or ''}"
            )
        if not rows:
            print("No messages" + (f" in state {', '.join(args.state)}." if args.state else "."))
    return 0


def _push_secret(args: argparse.Namespace) -> int:
    from casework.referral_models import PartnerPushSecret
    from casework.request_signing import new_secret
    from passage.config import unit_of_work
    from referral_directory.models import Organization

    open_database()
    with unit_of_work() as session:
        if session.get(Organization, args.organization_id) is None:
            print(f"No organization {args.organization_id!r} in the directory.", file=sys.stderr)
            return 2
        secret = new_secret()
        stored = session.get(PartnerPushSecret, args.organization_id)
        if stored is None:
            session.add(
                PartnerPushSecret(
                    organization_id=args.organization_id,
                    secret=secret,
                    created_at=datetime.now(UTC),
                )
            )
        else:
            stored.secret, stored.created_at = secret, datetime.now(UTC)
    print(secret)
    print(
        "Give this secret to the provider over a safe channel; it is not shown again. "
        "Pushes are signed with it from now on (docs/partner-push.md).",
        file=sys.stderr,
    )
    return 0


def add_commands(commands: Any) -> None:
    referrals = commands.add_parser("referrals", help="referral sending: outbox and partners")
    sub = referrals.add_subparsers(dest="referrals_command", required=True)
    outbox = sub.add_parser(
        "outbox",
        help="list outgoing messages; `ambiguous` and `dead` ones need a person to look",
    )
    outbox.add_argument("--state", action="append", choices=STATES, help="repeatable")
    outbox.add_argument("--limit", type=int, default=50)
    outbox.set_defaults(handler=_outbox)
    secret = sub.add_parser(
        "push-secret",
        help="create (or replace) the HMAC secret an organization's API pushes are signed with",
    )
    secret.add_argument("organization_id", metavar="ORGANIZATION_ID")
    secret.set_defaults(handler=_push_secret)
