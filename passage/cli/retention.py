"""`passage retention run [--dry-run]`: purge idle transcripts, reduce old closed cases now.

The worker does the same once a period (casework.retention_schedule); this command does not
move the worker's schedule. It prints counts only.
"""

import argparse
from datetime import UTC, datetime
from typing import Any

from passage.runtime.migrate import open_database


def _run(args: argparse.Namespace) -> int:
    from casework.retention import run_retention
    from casework.transcripts import TranscriptStore
    from passage.config import get_settings, unit_of_work
    from passage.runtime.policies import policies_from

    settings = get_settings()
    open_database()
    store = TranscriptStore(settings.resolved_tracker_url)
    try:
        with unit_of_work() as session:
            report = run_retention(
                session,
                store,
                policies_from(settings).retention,
                now=datetime.now(UTC),
                source="cli",
                dry_run=args.dry_run,
            )
    finally:
        store.close()
    verb = "Would remove" if args.dry_run else "Removed"
    print(
        f"{verb}: {report.transcripts_purged} idle chat transcripts, "
        f"{report.cases_reduced} closed cases (reduced to statistics), "
        f"{report.erased_cases_cleared} erased cases' last records."
    )
    print(
        f"Kept under legal hold: {report.transcripts_held} idle transcripts, "
        f"{report.cases_held} cases past their period."
    )
    return 0


def add_commands(commands: Any) -> None:
    retention = commands.add_parser("retention", help="what is kept: transcripts, closed cases")
    sub = retention.add_subparsers(dest="retention_command", required=True, metavar="ACTION")
    run = sub.add_parser(
        "run", help="purge idle transcripts and reduce old closed cases (the worker does daily)"
    )
    run.add_argument("--dry-run", action="store_true", help="count only; change nothing")
    run.set_defaults(handler=_run)
