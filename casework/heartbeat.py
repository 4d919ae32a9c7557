"""Worker liveness, recorded in the database so any process can report it."""

import socket
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.models import WorkerHeartbeat


def worker_id_of(pid: int) -> str:
    """How a worker process names itself in its heartbeats: host and process id."""
    return f"{socket.gethostname()}:{pid}"


def record_heartbeat(session: Session, *, worker_id: str, now: datetime) -> None:
    beat = session.get(WorkerHeartbeat, worker_id)
    if beat is None:
        session.add(WorkerHeartbeat(worker_id=worker_id, beat_at=now, ticks=1))
    else:
        beat.beat_at = now
        beat.ticks += 1


def latest_heartbeat(session: Session, worker_id: str | None = None) -> datetime | None:
    """The newest beat of any worker, or of the one named."""
    query = select(WorkerHeartbeat.beat_at).order_by(WorkerHeartbeat.beat_at.desc()).limit(1)
    if worker_id is not None:
        query = query.where(WorkerHeartbeat.worker_id == worker_id)
    return session.scalars(query).first()


def worker_is_alive(session: Session, *, now: datetime, max_silence: timedelta) -> bool:
    last = latest_heartbeat(session)
    return last is not None and now - last <= max_silence
