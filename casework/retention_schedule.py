"""Whether a periodic job is due, claimed in the database so it runs once per period.

The claim is one conditional UPDATE: of several workers ticking at once, exactly one sees its
row change (PostgreSQL re-checks the condition after the first commit; SQLite has one writer).
A restarted worker finds the last run in the table and does not run the job again early.
"""

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.models import RetentionRun

RETENTION = "retention"


def claim_due_run(session: Session, job: str, *, interval: timedelta, now: datetime) -> bool:
    """True if the job's last run is `interval` old or it never ran; the run is then recorded
    as started now. The caller commits the claim before doing the work: a run that fails waits
    for the next period instead of failing again on every tick."""
    claimed = session.execute(
        update(RetentionRun)
        .where(RetentionRun.job == job, RetentionRun.last_run_at <= now - interval)
        .values(last_run_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        return True
    if session.get(RetentionRun, job) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(RetentionRun(job=job, last_run_at=now))
    except IntegrityError:  # another worker made the first claim at the same moment
        return False
    return True
