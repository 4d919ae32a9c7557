"""Closing a case: the work on it is over, and its retention period starts."""

from datetime import datetime

from sqlalchemy.orm import Session

from casework.audit import record_audit
from casework.case_status import CLOSABLE, CaseStatus
from casework.models import Case


class NotClosable(ValueError):
    """The case is closed already, or erased or reduced; the message names only its status."""


def close_case(
    session: Session, case: Case, *, actor: str, now: datetime, source: str = "cli"
) -> None:
    """Referrals still open stay as they are: a provider may still be helping the person."""
    if case.status not in CLOSABLE:
        raise NotClosable(f"a {case.status} case cannot be closed")
    case.status = CaseStatus.CLOSED
    case.closed_at = now
    record_audit(
        session,
        actor=actor,
        action="case.close",
        outcome="done",
        case_id=case.id,
        now=now,
        source=source,
        purpose="casework",
    )
