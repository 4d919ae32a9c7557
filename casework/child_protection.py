"""A presumed child is referred to child protection before anything else (SOP, child victims).

Child protection becomes a need of every presumed child's assessment. It is urgent when the
exploitation was sexual or no trusted guardian is with the child (the guardian may be involved,
or it is not known); its referral goes first, and other referrals wait until it has gone or the
officer recorded why it is not made.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.assessment import Answer, needed
from casework.audit import record_audit
from casework.consent import may_refer_to
from casework.models import AssessedNeed, Case
from casework.referral_models import Referral, ReferralNeed
from casework.referral_status import Status
from referral_directory.needs import CHILD_PROTECTION

NEED_ID = CHILD_PROTECTION.id


class SkipReason(StrEnum):
    # The child protection authority already has the child: a second referral would repeat
    # the interviews the SOP asks to spare the child.
    ALREADY_INVOLVED = "already_involved"
    # The person is no longer presumed a child on evidence the officer holds (a document).
    AGE_ESTABLISHED = "age_established"
    # No child-protection service could take the child: none in the directory, or every one
    # proposed refused or did not answer. The other help must not wait for it.
    NO_PROVIDER = "no_provider"


class ChildProtectionFirst(PermissionError):
    """Another referral of a presumed child before child protection was referred or skipped."""


def is_urgent(case: Case) -> bool:
    return case.exploitation_form == "sexual" or case.guardian_may_be_involved != "no"


def add_child_protection_need(session: Session, case: Case, *, now: datetime) -> None:
    """Once the assessment is over: a presumed child needs child protection (idempotent)."""
    if not case.presumed_child:
        return
    if any(row.need_id == NEED_ID for row in needed(session, case)):
        return
    session.add(
        AssessedNeed(
            case_id=case.id,
            need_id=NEED_ID,
            answer=Answer.NEEDED.value,
            urgent=is_urgent(case),
            recorded_at=now,
        )
    )
    session.flush()


def first(need_ids: list[str]) -> list[str]:
    """Child protection before every other need, the others in their order."""
    return sorted(need_ids, key=lambda need_id: need_id != NEED_ID)


def skip(session: Session, case: Case, reason: SkipReason, *, actor: str, now: datetime) -> None:
    case.child_protection_skip = reason.value
    record_audit(
        session,
        actor=actor,
        action="referral.child_protection_skipped",
        outcome=reason.value,
        case_id=case.id,
        now=now,
    )


def _referred(session: Session, case: Case) -> bool:
    return (
        session.scalars(
            select(Referral.id)
            .join(ReferralNeed, ReferralNeed.referral_id == Referral.id)
            .where(
                Referral.case_id == case.id,
                ReferralNeed.need_id == NEED_ID,
                Referral.status.not_in((Status.CANCELLED.value, Status.REJECTED.value)),
            )
            .limit(1)
        ).first()
        is not None
    )


def require_child_protection_first(
    session: Session, case: Case, need_id: str, *, now: datetime
) -> None:
    """Raises ChildProtectionFirst when `need_id` may not be referred yet."""
    if not case.presumed_child or need_id == NEED_ID or case.child_protection_skip:
        return
    if not any(row.need_id == NEED_ID for row in needed(session, case)):
        return  # an assessment from before this rule: nothing to wait for
    if not may_refer_to(session, case, CHILD_PROTECTION.categories, now=now):
        return  # the representative did not agree to it: that decision is recorded already
    if not _referred(session, case):
        raise ChildProtectionFirst(need_id)


def child_rules_due(question_id: str, case: Case) -> bool:
    """The SOP's rules for a child are said where they start to apply: as soon as the person is
    taken to be a child, before anything else is asked of them."""
    return question_id == "appears_under_18" and case.presumed_child
