"""The audit trail as a hash chain: the worker seals rows, verify finds any tampering."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, text, update
from sqlalchemy.orm import Session

from casework.audit import record_audit
from casework.audit_chain import GENESIS, SEAL_AFTER, entry_digest, seal, verify
from casework.referral_models import AuditEntry

T0 = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
LATER = T0 + SEAL_AFTER + timedelta(seconds=1)


def _write(session: Session, count: int, *, at: datetime = T0) -> list[int]:
    entries = [
        record_audit(
            session, actor=f"officer:{i}", action="referral.send", outcome="refused", now=at
        )
        for i in range(count)
    ]
    session.flush()
    return [e.id for e in entries]


def test_rows_are_sealed_in_order_and_the_chain_verifies(session: Session) -> None:
    _write(session, 3)
    assert seal(session, now=LATER) == 3
    _write(session, 2, at=LATER)
    assert seal(session, now=LATER + SEAL_AFTER) == 2

    report = verify(session)
    assert (report.sealed, report.unsealed, report.intact) == (5, 0, True)
    assert seal(session, now=LATER + SEAL_AFTER) == 0  # nothing sealed twice


def test_rows_younger_than_the_grace_period_wait(session: Session) -> None:
    _write(session, 2)
    assert seal(session, now=T0 + timedelta(seconds=1)) == 0
    report = verify(session)
    assert (report.sealed, report.unsealed, report.intact) == (0, 2, True)


def test_an_edited_row_is_detected(session: Session) -> None:
    ids = _write(session, 4)
    seal(session, now=LATER)
    session.execute(update(AuditEntry).where(AuditEntry.id == ids[1]).values(outcome="allowed"))

    report = verify(session)

    assert report.broken_at == ids[1] and not report.intact


def test_an_edited_row_with_a_recomputed_own_hash_still_breaks_the_next(session: Session) -> None:
    ids = _write(session, 3)
    seal(session, now=LATER)
    first = session.get(AuditEntry, ids[0])
    assert first is not None
    first.actor = "nobody"  # the forger edits the row and recomputes its own hash ...
    first.entry_hash = entry_digest(GENESIS, first)
    session.flush()

    assert verify(session).broken_at == ids[1]  # ... the next row's hash no longer follows


def test_an_unsealed_row_inside_the_chain_is_detected(session: Session) -> None:
    ids = _write(session, 3)
    seal(session, now=LATER)
    session.execute(update(AuditEntry).values(entry_hash=None).where(AuditEntry.id == ids[0]))

    report = verify(session)

    assert (report.broken_at, report.reason) == (ids[0], "unsealed inside the chain")


def test_a_deleted_row_is_detected(session: Session) -> None:
    ids = _write(session, 3)
    seal(session, now=LATER)
    session.execute(delete(AuditEntry).where(AuditEntry.id == ids[1]))

    assert verify(session).broken_at == ids[2]


def test_a_row_inserted_into_the_sealed_part_is_detected(session: Session) -> None:
    ids = _write(session, 3)
    seal(session, now=LATER)
    session.execute(delete(AuditEntry).where(AuditEntry.id == ids[1]))
    session.execute(
        text(
            "INSERT INTO audit_entry (id, at, actor, action, outcome, detail) "
            "VALUES (:id, :at, 'x', 'referral.send', 'allowed', '')"
        ),
        {"id": ids[1], "at": T0.isoformat()},
    )

    assert verify(session).broken_at == ids[1]
