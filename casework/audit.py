"""The audit trail: one row per sensitive decision, never updated or deleted by our code."""

from datetime import datetime

from sqlalchemy.orm import Session

from casework.referral_models import AuditEntry


def record_audit(
    session: Session,
    *,
    actor: str,
    action: str,
    outcome: str,
    now: datetime,
    case_id: int | None = None,
    referral_id: int | None = None,
    detail: str = "",
    source: str = "",
    purpose: str = "",
) -> AuditEntry:
    entry = AuditEntry(
        at=now,
        actor=actor[:80],
        action=action,
        outcome=outcome,
        case_id=case_id,
        referral_id=referral_id,
        detail=detail[:256],
        source=source[:64],
        purpose=purpose[:64],
    )
    session.add(entry)
    return entry
