"""The directory's revision counter: bumped in the same transaction as every change."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from referral_directory.models import XDirectoryRevision


def bump(session: Session) -> int:
    row = session.get(XDirectoryRevision, 1)
    if row is None:
        row = XDirectoryRevision(id=1, revision=0)
        session.add(row)
    row.revision = (row.revision or 0) + 1
    row.changed_at = datetime.now(UTC)
    session.flush()
    return row.revision


def current(session: Session) -> int:
    return (
        session.scalar(select(XDirectoryRevision.revision).where(XDirectoryRevision.id == 1)) or 0
    )
