"""The outbox: messages written with the state change that needs them, and their send states.

A row is claimed (`sending`) in one committed transaction before it is sent, and its outcome is
recorded in another. A crash after the claim leaves a row `sending`: it is never sent blindly
again. `recover_stalled` marks it `ambiguous` when resending could duplicate (SMS: Twilio has
no idempotency key) and the carrier's status callback settles it; where a resend is harmless
(a FHIR push with the same Task id, a chat notice) it goes back to `pending`.
"""

import random
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casework.referral_models import OutboxMessage


class State(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    AMBIGUOUS = "ambiguous"
    DEAD = "dead"


class Kind(StrEnum):
    SMS = "sms"
    PARTNER_PUSH = "api"
    OFFICER_NOTICE = "officer_notice"


# Kinds a receiver can see twice without harm.
IDEMPOTENT = frozenset({Kind.PARTNER_PUSH, Kind.OFFICER_NOTICE})

# Carrier delivery statuses in the order they happen; a callback never moves a row backwards.
DELIVERY_ORDER = {
    "accepted": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
}


def enqueue(
    session: Session,
    kind: str,
    recipient: str,
    body: str,
    *,
    now: datetime,
    referral_id: int | None = None,
    referral_event_id: int | None = None,
) -> OutboxMessage:
    message = OutboxMessage(
        kind=Kind(kind).value,
        recipient=recipient,
        body=body,
        referral_id=referral_id,
        referral_event_id=referral_event_id,
        state=State.PENDING.value,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message


def claim_due(
    session: Session, *, kinds: tuple[Kind, ...], now: datetime, limit: int = 50
) -> list[OutboxMessage]:
    """Mark due rows `sending`; the caller commits before sending anything.

    One conditional UPDATE claims the rows (`state` still pending), so two dispatchers (the
    worker and an API process telling an officer at once, or two workers) never both take a
    row: on PostgreSQL the inner SELECT skips rows another transaction holds (SKIP LOCKED) and
    re-checks a row committed meanwhile; SQLite runs the whole statement under its write lock.
    It is one statement rather than a SELECT, an UPDATE per row and a reload because the
    worker claims one row per send, so each round trip is paid once per message.
    """
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.state == State.PENDING.value,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.kind.in_([kind.value for kind in kinds]),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        # Evaluated once: as a plain subquery PostgreSQL may run it again for each row it
        # joins, and each run locks `limit` more rows, so the claim could take every due row.
        .cte("due")
        .prefix_with("MATERIALIZED")
    )
    claimed = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(select(due.c.id)))
        .where(OutboxMessage.state == State.PENDING.value)
        .values(state=State.SENDING.value, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage)
        .execution_options(populate_existing=True)
    ).all()
    # RETURNING gives no order; callers send oldest first.
    return sorted(claimed, key=lambda row: (row.next_attempt_at, row.id))


def backoff(attempts: int) -> timedelta:
    """Exponential with full jitter, capped at 10 minutes: retries of many rows spread out."""
    ceiling = min(600.0, 2.0 ** min(attempts, 10))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 - not security


def mark_sent(row: OutboxMessage, carrier_id: str | None, *, now: datetime) -> None:
    row.state = State.SENT.value
    row.sent_at = now
    row.carrier_id = carrier_id or row.carrier_id
    row.last_error = None


def mark_retry(row: OutboxMessage, error: str, *, max_attempts: int, now: datetime) -> None:
    row.last_error = error[:64]
    if row.attempts >= max_attempts:
        row.state = State.DEAD.value
        return
    row.state = State.PENDING.value
    row.next_attempt_at = now + backoff(row.attempts)


def mark_ambiguous(row: OutboxMessage, error: str) -> None:
    row.state = State.AMBIGUOUS.value
    row.last_error = error[:64]


def mark_dead(row: OutboxMessage, error: str) -> None:
    row.state = State.DEAD.value
    row.last_error = error[:64]


def recover_stalled(session: Session, *, now: datetime, stale_after: timedelta) -> int:
    """Rows left `sending` by a worker that died mid-send."""
    rows = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.state == State.SENDING.value,
            OutboxMessage.claimed_at <= now - stale_after,
        )
    ).all()
    for row in rows:
        if Kind(row.kind) in IDEMPOTENT:
            row.state = State.PENDING.value
            row.next_attempt_at = now
        else:
            mark_ambiguous(row, "worker stopped during send")
    return len(rows)


def record_delivery(
    session: Session, outbox_id: int, carrier_id: str, status: str, *, now: datetime
) -> bool:
    """Apply a carrier status callback; False when it changes nothing (replay, older status)."""
    row = session.get(OutboxMessage, outbox_id)
    if row is None or status not in DELIVERY_ORDER:
        return False
    if row.carrier_id is not None and row.carrier_id != carrier_id:
        return False
    changed = False
    if row.state in (State.SENDING.value, State.AMBIGUOUS.value, State.PENDING.value):
        # The carrier has the message: a lost response or a crash mid-send is settled.
        mark_sent(row, carrier_id, now=now)
        changed = True
    current = DELIVERY_ORDER.get(row.delivery_status or "", -1)
    if DELIVERY_ORDER[status] > current:
        row.delivery_status = status
        changed = True
    return changed
