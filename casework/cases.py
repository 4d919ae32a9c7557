"""Opening and resuming cases."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from casework.audit import record_audit
from casework.case_status import RESUMABLE, CaseStatus, reopen
from casework.models import Case
from casework.police_gate import may_see_case_details
from casework.references import new_reference, normalize_reference
from casework.roles import Viewer, may_open_case

_MAX_REFERENCE_ATTEMPTS = 5


class ReferenceSpaceExhausted(RuntimeError):
    """Several random references in a row were taken: something is wrong, not unlucky."""


class MayNotOpenCase(PermissionError):
    """The account's role does not open cases (or the account is disabled)."""


def open_case(
    session: Session,
    *,
    channel: str,
    now: datetime,
    officer: Viewer,
    make_reference: Callable[[], str] = new_reference,
) -> Case:
    """Create a case owned by the officer, with a fresh unique reference; the caller commits."""
    if officer.disabled or not may_open_case(officer.role):
        raise MayNotOpenCase(f"a {officer.role} account does not open cases")
    for _ in range(_MAX_REFERENCE_ATTEMPTS):
        case = Case(
            reference=make_reference(),
            status=CaseStatus.OPEN,
            channel=channel,
            officer_account_id=officer.id,
            unit=officer.unit,
            region=officer.region,
            opened_at=now,
            resume_count=0,
        )
        try:
            with session.begin_nested():
                session.add(case)
        except IntegrityError:
            continue
        record_audit(
            session,
            actor=officer.username,
            action="case.open",
            outcome="opened",
            now=now,
            case_id=case.id,
            source=channel,
            purpose="casework",
        )
        return case
    raise ReferenceSpaceExhausted(f"{_MAX_REFERENCE_ATTEMPTS} reference collisions in a row")


def find_case(session: Session, reference: str) -> Case | None:
    """The case with exactly this canonical reference, whatever its status."""
    return session.scalars(select(Case).where(Case.reference == reference)).one_or_none()


def find_visible_case(
    session: Session, reference: str, viewer: Viewer, *, now: datetime
) -> Case | None:
    """The case with this canonical reference if the viewer may see it, the police gate
    included (casework.roles); None otherwise, so a case the viewer may not see looks exactly
    like one that does not exist."""
    case = find_case(session, reference)
    if case is None or not may_see_case_details(session, viewer, case, now=now):
        return None
    return case


def find_resumable_case(
    session: Session, reference_text: str, viewer: Viewer, *, now: datetime
) -> Case | None:
    """The open or paused case with the reference the officer typed, if they may see it.

    Raises InvalidReference when the text cannot be a reference at all.
    """
    case = find_visible_case(session, normalize_reference(reference_text), viewer, now=now)
    return case if case is not None and case.status in RESUMABLE else None


def resume_case(
    session: Session, case: Case, viewer: Viewer, *, now: datetime, source: str
) -> None:
    """Resuming shows the case's facts to the viewer again: audited as a read."""
    record_audit(
        session,
        actor=viewer.username,
        action="case.resume",
        outcome="read",
        now=now,
        case_id=case.id,
        source=source,
        purpose="casework",
    )
    case.last_resumed_at = now
    case.resume_count += 1
    reopen(case)
