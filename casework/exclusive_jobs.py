"""Jobs that one worker at a time may run, however many workers share the database.

The worker's periodic jobs (expiring overdue referrals, reflection reminders, releasing held
places, sealing the audit trail) each read what is due and change it: two workers doing the same
job at once would both see a referral overdue and both offer its next provider, or both seal the
same audit entries. On PostgreSQL a job takes a transaction-scoped advisory lock first, and a
worker that cannot have it skips the job this tick (the holder does it). The lock goes with the
transaction, so the job's changes are committed before another worker can take it, and that
worker reads them. SQLite needs nothing: it lets one writer at a time, and the embedded profile
runs one worker.
"""

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def _lock_key(job: str) -> int:
    """A stable signed 64-bit key per job name (the advisory lock's key space)."""
    digest = hashlib.sha256(f"passage:{job}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def run_alone(session: Session, job: str) -> bool:
    """True if this transaction may run `job` now: on PostgreSQL, no other transaction holds
    its lock (it is held here until commit or rollback); elsewhere always."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(_lock_key(job)))))
