"""`passage audit verify|seal`: is the audit trail as it was written?"""

import argparse
from datetime import UTC, datetime
from typing import Any

from passage.runtime.migrate import open_database


def _verify(_args: argparse.Namespace) -> int:
    from casework.audit_chain import verify
    from passage.config import session_factory

    open_database()
    with session_factory()() as session:
        report = verify(session)
    if not report.intact:
        print(
            f"TAMPERED: the audit chain breaks at entry {report.broken_at} ({report.reason}); "
            f"{report.sealed} entries before it verify."
        )
        return 1
    print(
        f"The audit chain verifies: {report.sealed} sealed entries; {report.unsealed} newer "
        "entries wait for the worker to seal them."
    )
    print(f"Head hash: {report.head} (keep a copy outside this database)")
    return 0


def _seal(_args: argparse.Namespace) -> int:
    from casework.audit_chain import seal
    from passage.config import unit_of_work

    open_database()
    with unit_of_work() as session:
        count = seal(session, now=datetime.now(UTC))
    print(f"Sealed {count} audit entries (the worker does this on every tick).")
    return 0


def add_commands(commands: Any) -> None:
    audit = commands.add_parser("audit", help="the audit trail: verify its hash chain")
    sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    sub.add_parser(
        "verify", help="recompute the hash chain; exit 1 and name the first broken entry"
    ).set_defaults(handler=_verify)
    sub.add_parser(
        "seal", help="seal the entries written since the last tick (the worker does this)"
    ).set_defaults(handler=_seal)
