"""Cases under a rescue operation, and the operation's board.

After an operation each person has a case of their own, with their own consent (never a group
consent): putting a case under a plan only groups it, so a coordinator sees on one board who
still has no place. The board says a case's reference, whether the person is a presumed child,
and the latest referral status per need; nothing else of the person (no area, gender or
language).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.assessment import needed
from casework.audit import record_audit
from casework.case_status import GONE, RESUMABLE, CaseStatus
from casework.cases import open_case
from casework.models import Case, IntakeAnswer
from casework.operation_models import OperationPlan
from casework.operations import NotAllowed
from casework.referral_models import Referral, ReferralNeed
from casework.roles import Viewer, may_join_operation, may_see_case

# The board's status of a need no referral was made for yet.
NO_REFERRAL = "none"


class CaseNotOpen(ValueError):
    """Only a case whose interview goes on (open or paused) is put under an operation."""


class UnderAnotherOperation(ValueError):
    """The case is already under another operation; a person is found in one operation."""


def put_under_operation(
    session: Session, viewer: Viewer, case: Case, plan: OperationPlan, *, now: datetime
) -> None:
    """Groups the case under the plan. The viewer must see both; a case and a plan it may not
    see are the same refusal, so the answer tells nothing of the other. Nothing of consent
    changes. Putting a case again under the same plan does nothing."""
    if not (may_see_case(viewer, case) and may_join_operation(viewer, plan)):
        raise NotAllowed("no such case and operation for this account")
    if case.status not in RESUMABLE:
        raise CaseNotOpen("only an open or paused case can be put under an operation")
    if case.operation_id == plan.id:
        return
    if case.operation_id is not None:
        raise UnderAnotherOperation("the case is already under another operation")
    case.operation_id = plan.id
    record_audit(
        session,
        actor=viewer.role,
        action="operation.case",
        outcome="grouped",
        case_id=case.id,
        detail=plan.code,
        now=now,
    )


def open_case_under_operation(
    session: Session, viewer: Viewer, plan: OperationPlan, *, channel: str, now: datetime
) -> Case:
    """A new case for one person found in the operation: their own case and their own consent
    to come, grouped under the plan. Raises NotAllowed (casework.roles.may_join_operation) or
    MayNotOpenCase."""
    if not may_join_operation(viewer, plan):
        raise NotAllowed("no such operation for this account")
    untouched = _untouched_case(session, viewer, plan)
    if untouched is not None:
        # The same tap again (a reply lost on a bad line): the case it opened, not a second
        # one that the board would count as another person.
        return untouched
    case = open_case(session, channel=channel, now=now, officer=viewer)
    put_under_operation(session, viewer, case, plan, now=now)
    return case


def _untouched_case(session: Session, viewer: Viewer, plan: OperationPlan) -> Case | None:
    latest = session.scalars(
        select(Case)
        .where(Case.operation_id == plan.id, Case.officer_account_id == viewer.id)
        .order_by(Case.opened_at.desc(), Case.id.desc())
        .limit(1)
    ).first()
    if latest is None or latest.status != CaseStatus.OPEN:
        return None
    answered = session.scalar(select(IntakeAnswer.id).where(IntakeAnswer.case_id == latest.id))
    return latest if answered is None else None


def cases_of(session: Session, plan: OperationPlan) -> list[Case]:
    """The operation's cases, in the order they were opened."""
    return list(
        session.scalars(
            select(Case).where(Case.operation_id == plan.id).order_by(Case.opened_at, Case.id)
        )
    )


@dataclass(frozen=True)
class NeedStatus:
    need_id: str
    # A casework.referral_status.Status value, or NO_REFERRAL.
    status: str


@dataclass(frozen=True)
class BoardRow:
    reference: str
    presumed_child: bool
    needs: tuple[NeedStatus, ...]


@dataclass(frozen=True)
class Board:
    as_of: datetime
    rows: tuple[BoardRow, ...]


def board(session: Session, plan: OperationPlan, *, now: datetime) -> Board:
    """One row per case of the operation: who still has no place, per needed item. An erased
    or reduced case has nothing left to show and is left out."""
    rows = tuple(_row(session, case) for case in cases_of(session, plan) if case.status not in GONE)
    return Board(as_of=now, rows=rows)


def _row(session: Session, case: Case) -> BoardRow:
    latest: dict[str, str] = {}
    # Oldest first, so the latest referral of each need is the one kept.
    for need_id, status in session.execute(
        select(ReferralNeed.need_id, Referral.status)
        .join(Referral, Referral.id == ReferralNeed.referral_id)
        .where(Referral.case_id == case.id)
        .order_by(Referral.created_at, Referral.id)
    ):
        latest[need_id] = status
    return BoardRow(
        reference=case.reference,
        presumed_child=case.presumed_child,
        needs=tuple(
            NeedStatus(row.need_id, latest.get(row.need_id, NO_REFERRAL))
            for row in needed(session, case)
        ),
    )
