"""Two workers claiming from one outbox on PostgreSQL: no row twice, every row once.

Each worker has its own engine (its own connections), as two `passage serve worker` processes
would. The claim is casework.outbox.claim_due, and the concurrent run goes through
casework.dispatch.dispatch_due, the worker's own loop body.
"""

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from casework.dispatch import Outcome, Result, dispatch_due
from casework.outbox import Kind, State, claim_due, enqueue
from casework.referral_models import OutboxMessage
from passage.config import Settings, make_engine

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ROWS = 120


@pytest.fixture
def outbox(postgres_database: Settings) -> list[int]:
    """ROWS pending SMS rows, due now; their ids."""
    factory = _sessions(postgres_database.resolved_database_url)
    with factory.begin() as session:
        ids = [
            enqueue(session, Kind.SMS.value, "+15005550100", f"R-{n}: shelter", now=NOW).id
            for n in range(ROWS)
        ]
    factory.kw["bind"].dispose()
    return ids


def _sessions(url: str) -> sessionmaker[Session]:
    return sessionmaker(make_engine(url), expire_on_commit=False)


@pytest.fixture
def two_workers(postgres_database: Settings) -> Iterator[tuple[sessionmaker[Session], ...]]:
    workers = tuple(_sessions(postgres_database.resolved_database_url) for _ in range(2))
    yield workers
    for factory in workers:
        factory.kw["bind"].dispose()


def test_a_second_claim_skips_rows_an_open_claim_holds(
    outbox: list[int], two_workers: tuple[sessionmaker[Session], ...]
) -> None:
    first, second = two_workers
    with first.begin() as holding:
        held = [row.id for row in claim_due(holding, kinds=(Kind.SMS,), now=NOW, limit=5)]
        # The first claim is not committed: its rows are locked, and still `pending` to others.
        with second.begin() as other:
            # Waiting on a lock would fail here instead of hanging: SKIP LOCKED never waits.
            other.execute(text("SET LOCAL lock_timeout = '2s'"))
            taken = [row.id for row in claim_due(other, kinds=(Kind.SMS,), now=NOW, limit=5)]
    assert held == outbox[:5]
    assert taken == outbox[5:10]


class RecordingChannel:
    """Stands in for Twilio: notes which worker sent which row."""

    def __init__(self, worker: str, sends: list[tuple[str, int]], lock: threading.Lock) -> None:
        self.worker = worker
        self.sends = sends
        self.lock = lock

    def send(self, row: OutboxMessage, now: datetime) -> Outcome:
        with self.lock:
            self.sends.append((self.worker, row.id))
        return Outcome(Result.SENT, carrier_id=f"SM{row.id:032d}")


def test_two_workers_send_every_row_once(
    outbox: list[int], two_workers: tuple[sessionmaker[Session], ...]
) -> None:
    sends: list[tuple[str, int]] = []
    lock = threading.Lock()
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(name: str, factory: sessionmaker[Session]) -> None:
        channel = RecordingChannel(name, sends, lock)
        try:
            start.wait(timeout=10)
            while dispatch_due(
                factory,
                {Kind.SMS: channel},
                now=lambda: NOW,
                max_attempts=5,
                stale_after=timedelta(minutes=5),
                limit=7,
            ).sent:
                pass
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [
        threading.Thread(target=work, args=(f"worker-{n}", factory))
        for n, factory in enumerate(two_workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)

    sent_ids = Counter(row_id for _, row_id in sends)
    assert [row_id for row_id, count in sent_ids.items() if count > 1] == []
    assert sorted(sent_ids) == outbox
    # Both workers took part: the test did exercise two concurrent claimers.
    assert {worker for worker, _ in sends} == {"worker-0", "worker-1"}

    with two_workers[0]() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert {row.state for row in rows} == {State.SENT.value}
        assert {row.attempts for row in rows} == {1}
