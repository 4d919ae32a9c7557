"""claim_due on a migrated SQLite database: which rows one claim takes, and what it leaves."""

from datetime import UTC, datetime, timedelta

import pytest

from casework.outbox import Kind, State, claim_due, enqueue
from casework.referral_models import OutboxMessage
from passage.config import session_factory, unit_of_work

pytestmark = pytest.mark.usefixtures("database")

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _enqueue(kind: Kind = Kind.SMS, *, due: datetime = NOW, state: State = State.PENDING) -> int:
    with unit_of_work() as session:
        row = enqueue(session, kind.value, "+15005550100", "R-1: shelter", now=due)
        row.state = state.value
        return row.id


def _claim(limit: int, kinds: tuple[Kind, ...] = (Kind.SMS,)) -> list[OutboxMessage]:
    with unit_of_work() as session:
        return claim_due(session, kinds=kinds, now=NOW, limit=limit)


def _states() -> dict[int, tuple[str, int]]:
    with session_factory()() as session:
        rows = session.query(OutboxMessage).all()
        return {row.id: (row.state, row.attempts) for row in rows}


def test_a_claim_takes_the_oldest_due_rows_up_to_its_limit() -> None:
    later = _enqueue(due=NOW - timedelta(minutes=1))
    oldest = _enqueue(due=NOW - timedelta(minutes=5))
    also_now = _enqueue()
    _enqueue(due=NOW + timedelta(seconds=1))

    claimed = _claim(limit=2)

    assert [row.id for row in claimed] == [oldest, later]
    assert {(row.state, row.attempts, row.claimed_at) for row in claimed} == {
        (State.SENDING.value, 1, NOW)
    }
    assert _states()[also_now] == (State.PENDING.value, 0)


def test_rows_already_claimed_are_not_claimed_again() -> None:
    ids = [_enqueue() for _ in range(5)]

    first = [row.id for row in _claim(limit=3)]
    second = [row.id for row in _claim(limit=3)]
    third = _claim(limit=3)

    assert first == ids[:3]
    assert second == ids[3:]
    assert third == []
    assert set(_states().values()) == {(State.SENDING.value, 1)}


def test_a_claim_leaves_other_kinds_and_settled_rows_alone() -> None:
    notice = _enqueue(Kind.OFFICER_NOTICE)
    settled = {
        state: _enqueue(state=state)
        for state in (State.SENT, State.AMBIGUOUS, State.DEAD, State.SENDING)
    }

    assert _claim(limit=10) == []

    states = _states()
    assert states[notice] == (State.PENDING.value, 0)
    assert {state.value: states[row_id][0] for state, row_id in settled.items()} == {
        state.value: state.value for state in settled
    }
    assert [row.id for row in _claim(limit=10, kinds=(Kind.SMS, Kind.OFFICER_NOTICE))] == [notice]
