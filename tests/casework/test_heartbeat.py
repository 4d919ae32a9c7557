from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from casework.heartbeat import latest_heartbeat, record_heartbeat, worker_is_alive

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_no_worker_is_not_alive(session: Session) -> None:
    assert latest_heartbeat(session) is None
    assert not worker_is_alive(session, now=NOW, max_silence=timedelta(seconds=30))


def test_heartbeats_count_ticks_and_age(session: Session) -> None:
    record_heartbeat(session, worker_id="w1", now=NOW)
    record_heartbeat(session, worker_id="w1", now=NOW + timedelta(seconds=5))
    session.commit()
    assert latest_heartbeat(session) == NOW + timedelta(seconds=5)
    assert worker_is_alive(
        session, now=NOW + timedelta(seconds=20), max_silence=timedelta(seconds=30)
    )
    assert not worker_is_alive(
        session, now=NOW + timedelta(seconds=60), max_silence=timedelta(seconds=30)
    )
