"""Worker liveness, recorded in the database so any process can report it."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.models import WorkerHeartbeat


def record_heartbeat(session: Session, *, worker_id: str, now: datetime) -> None:
    beat = session.get(WorkerHeartbeat, worker_id)
    if beat is None:
        session.add(WorkerHeartbeat(worker_id=worker_id, beat_at=now, ticks=1))
    else:
        beat.beat_at = now
        beat.ticks += 1


def latest_heartbeat(session: Session) -> datetime | None:
    return session.scalars(
        select(WorkerHeartbeat.beat_at).order_by(WorkerHeartbeat.beat_at.desc()).limit(1)
    ).first()


def worker_is_alive(session: Session, *, now: datetime, max_silence: timedelta) -> bool:
    last = latest_heartbeat(session)
    return last is not None and now - last <= max_silence
