"""The audit trail sealed into a hash chain, so that tampering with it can be detected.

Rows are written unsealed by whoever records them (casework.audit), because computing the chain
at write time would make every writer read the newest hash first: concurrent writers would fork
the chain or fail. The worker seals them instead, one writer, in id order: each sealed row's
hash covers the previous sealed row's hash and the row's own fields. `verify` recomputes the
chain and reports the first row that an edit, deletion or insertion has broken.

A row is sealed only once it is `SEAL_AFTER` old, so a transaction that got a lower id but
committed later (possible on PostgreSQL) is not left behind the chain's head.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.referral_models import AuditEntry

SEAL_AFTER = timedelta(seconds=10)
GENESIS = "0" * 64


def entry_digest(previous_hash: str, entry: AuditEntry) -> str:
    fields = [
        entry.id,
        entry.at.isoformat(),
        entry.actor,
        entry.action,
        entry.case_id,
        entry.referral_id,
        entry.outcome,
        entry.detail,
    ]
    # Appended only when set, so rows sealed before these columns existed keep their hashes.
    if entry.source or entry.purpose:
        fields += [entry.source, entry.purpose]
    canonical = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}\n{canonical}".encode()).hexdigest()


def _head(session: Session) -> AuditEntry | None:
    return session.scalar(
        select(AuditEntry)
        .where(AuditEntry.entry_hash.is_not(None))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )


def seal(session: Session, *, now: datetime, limit: int = 1000) -> int:
    """Seals the unsealed rows after the chain's head, oldest first; returns how many."""
    head = _head(session)
    previous = head.entry_hash if head is not None and head.entry_hash else GENESIS
    query = (
        select(AuditEntry)
        .where(AuditEntry.entry_hash.is_(None), AuditEntry.at <= now - SEAL_AFTER)
        .order_by(AuditEntry.id)
        .limit(limit)
        .with_for_update()
    )
    if head is not None:
        query = query.where(AuditEntry.id > head.id)
    sealed = 0
    for entry in session.scalars(query):
        entry.entry_hash = previous = entry_digest(previous, entry)
        sealed += 1
    return sealed


@dataclass(frozen=True)
class ChainReport:
    sealed: int
    unsealed: int  # written in the last moments, or after a stopped worker
    broken_at: int | None  # id of the first row whose hash does not follow, if any
    reason: str = ""
    # The newest sealed hash: copied elsewhere, it lets a later verify show that no row up to
    # here was rewritten with recomputed hashes.
    head: str = GENESIS

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(session: Session) -> ChainReport:
    previous = GENESIS
    sealed = unsealed = 0
    first_unsealed: int | None = None
    rows = select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=1000)
    for entry in session.scalars(rows):
        if entry.entry_hash is None:
            unsealed += 1
            if first_unsealed is None:
                first_unsealed = entry.id
            continue
        if first_unsealed is not None:  # an unsealed row inside the chain: inserted or unsealed
            return ChainReport(sealed, unsealed, first_unsealed, "unsealed inside the chain")
        if entry.entry_hash != entry_digest(previous, entry):
            return ChainReport(sealed, unsealed, entry.id, "this row or one before it changed")
        previous = entry.entry_hash
        sealed += 1
    return ChainReport(sealed, unsealed, None, head=previous)
