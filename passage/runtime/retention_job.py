"""The worker's retention: run once per `retention_interval_hours`, whatever the tick rate.

The claim is committed before the run, so a restart does not run it again early and, of
several workers, one runs it. A run that fails is logged and waits for the next period.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from casework.retention import RetentionReport, run_retention
from casework.retention_schedule import RETENTION, claim_due_run
from casework.transcripts import TranscriptStore
from passage.config import Settings, unit_of_work
from passage.runtime.policies import policies_from

log = logging.getLogger(__name__)


def run_retention_if_due(settings: Settings, now: Callable[[], datetime]) -> RetentionReport | None:
    """The run's report, or None when it was not due."""
    interval = timedelta(hours=settings.retention_interval_hours)
    with unit_of_work() as session:
        due = claim_due_run(session, RETENTION, interval=interval, now=now())
    if not due:
        return None
    store = TranscriptStore(settings.resolved_tracker_url)
    try:
        with unit_of_work() as session:
            report = run_retention(
                session, store, policies_from(settings).retention, now=now(), source="worker"
            )
    finally:
        store.close()
    log.info("retention ran: %s", report.summary())  # counts only
    return report
