"""Legal hold: a coordinator keeps a case, and the transcripts that name it, from retention.

A held case is never reduced to statistics nor erased, and its conversations are never purged,
until a coordinator releases it. The reason is a code, not text: it goes into the audit trail,
which must hold no personal data.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.account_models import StaffAccount
from casework.audit import record_audit
from casework.case_status import GONE
from casework.models import Case
from casework.roles import may_hold_cases, may_see_case


class HoldReason(StrEnum):
    INVESTIGATION = "investigation"
    PROSECUTION = "prosecution"
    COURT_ORDER = "court_order"
    LITIGATION = "litigation"


class HoldRefused(PermissionError):
    """The account may not place or lift this hold, or the case cannot be held."""


def _check(
    session: Session, case: Case, by: StaffAccount, action: str, now: datetime, source: str
) -> None:
    problem = None
    if not may_hold_cases(by.role) or by.disabled:
        problem = "only a coordinator can place or lift a legal hold"
    elif not may_see_case(by, case):
        problem = "the case is not in the coordinator's region"
    elif case.status in GONE:
        problem = f"the case is {case.status}: nothing is left to hold"
    if problem is not None:
        record_audit(
            session,
            actor=by.username,
            action=action,
            outcome="refused",
            case_id=case.id,
            now=now,
            source=source,
            purpose="legal_hold",
        )
        raise HoldRefused(problem)


def place_legal_hold(
    session: Session,
    case: Case,
    by: StaffAccount,
    reason: HoldReason,
    now: datetime,
    *,
    source: str = "cli",
) -> None:
    """Raises HoldRefused (after auditing the refusal: commit it) unless `by` may hold it."""
    _check(session, case, by, "case.hold", now, source)
    case.legal_hold_at = case.legal_hold_at or now
    case.legal_hold_reason = reason.value
    record_audit(
        session,
        actor=by.username,
        action="case.hold",
        outcome="done",
        case_id=case.id,
        detail=reason.value,
        now=now,
        source=source,
        purpose="legal_hold",
    )


def release_legal_hold(
    session: Session, case: Case, by: StaffAccount, now: datetime, *, source: str = "cli"
) -> bool:
    """False when the case was not held. Raises HoldRefused like place_legal_hold."""
    _check(session, case, by, "case.release", now, source)
    if not case.on_legal_hold:
        return False
    case.legal_hold_at = None
    case.legal_hold_reason = None
    record_audit(
        session,
        actor=by.username,
        action="case.release",
        outcome="done",
        case_id=case.id,
        now=now,
        source=source,
        purpose="legal_hold",
    )
    return True


def held_references(session: Session) -> set[str]:
    return set(session.scalars(select(Case.reference).where(Case.legal_hold_at.is_not(None))))
