"""The worker's tick on PostgreSQL sends an outbox backlog batch after batch, each row once.

A tick used to send one batch (50 rows) and then wait for the next tick, which capped a worker
at 50 messages per interval; now it keeps going while batches come full, up to the interval.
"""

import threading
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from casework.dispatch import Outcome, Result
from casework.outbox import Kind, State, enqueue
from casework.referral_models import OutboxMessage
from passage.config import Settings, session_factory, unit_of_work
from passage.runtime.worker import OUTBOX_BATCH, tick

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ROWS = 2 * OUTBOX_BATCH + 20


class RecordingChannel:
    def __init__(self) -> None:
        self.sends: list[tuple[str, int]] = []
        self.lock = threading.Lock()

    def send(self, row: OutboxMessage, now: datetime) -> Outcome:
        with self.lock:
            self.sends.append((threading.current_thread().name, row.id))
        return Outcome(Result.SENT, carrier_id=f"SM{row.id:032d}")


@pytest.fixture
def backlog(postgres_database: Settings) -> list[int]:
    with unit_of_work() as session:
        return [
            enqueue(session, Kind.SMS.value, "+15005550100", f"R-{n}: shelter", now=NOW).id
            for n in range(ROWS)
        ]


def _states() -> Counter[str]:
    with session_factory()() as session:
        return Counter(session.scalars(select(OutboxMessage.state)))


def test_one_tick_sends_a_backlog_larger_than_a_batch(
    postgres_database: Settings, backlog: list[int]
) -> None:
    settings = postgres_database.model_copy(update={"worker_interval_seconds": 120.0})
    channel = RecordingChannel()

    more = tick("worker-1", settings, {Kind.SMS: channel})

    assert sorted(row_id for _, row_id in channel.sends) == backlog
    assert more is False
    assert _states() == {State.SENT.value: ROWS}


def test_a_tick_hands_back_after_its_interval_saying_more_is_due(
    postgres_database: Settings, backlog: list[int]
) -> None:
    # An interval shorter than any batch: the tick stops after its first one.
    settings = postgres_database.model_copy(update={"worker_interval_seconds": 0.001})
    channel = RecordingChannel()

    more = tick("worker-1", settings, {Kind.SMS: channel})

    assert len(channel.sends) == OUTBOX_BATCH
    assert more is True
    assert _states() == {State.SENT.value: OUTBOX_BATCH, State.PENDING.value: ROWS - OUTBOX_BATCH}


def test_two_workers_ticking_at_once_send_every_row_once(
    postgres_database: Settings, backlog: list[int]
) -> None:
    settings = postgres_database.model_copy(update={"worker_interval_seconds": 120.0})
    channel = RecordingChannel()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(worker_id: str) -> None:
        try:
            start.wait(timeout=10)
            while tick(worker_id, settings, {Kind.SMS: channel}):
                pass
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"w{n}",), name=f"w{n}") for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert not any(thread.is_alive() for thread in threads)
    sent = Counter(row_id for _, row_id in channel.sends)
    assert sorted(sent) == backlog
    assert set(sent.values()) == {1}
    assert _states() == {State.SENT.value: ROWS}
