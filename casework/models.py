"""Tables of casework."""

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import Base, UTCDateTime


class Case(Base):
    __tablename__ = "case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(9), unique=True, index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    channel: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    resume_count: Mapped[int] = mapped_column(Integer, default=0)


class WorkerHeartbeat(Base):
    """One row per worker process, so health checks can tell a stalled worker from a live one."""

    __tablename__ = "worker_heartbeat"

    worker_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ticks: Mapped[int] = mapped_column(Integer, default=0)
