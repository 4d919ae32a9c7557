"""Deleting what a case holds, table by table, children before the rows they point to.

Audit entries are never deleted (casework.audit_chain): they keep the case id, which stays
meaningful because the case row itself is kept as a tombstone.
"""

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casework.models import (
    AssessedNeed,
    BelongingsReceipt,
    Case,
    ConsentReceipt,
    IntakeAnswer,
    ProviderChoice,
    RiskCheck,
)
from casework.referral_models import (
    CaseFlag,
    OutboxMessage,
    Referral,
    ReferralEvent,
    ReferralNeed,
)

# What the officer answered about the person on the case row (casework.intake).
PERSON_FIELDS = (
    "urgent_medical",
    "private_space",
    "person_language",
    "interpreter_present",
    "appears_under_18",
    "guardian_may_be_involved",
    "gender",
    "has_children",
    "area",
    "exploitation_form",
    "child_protection_skip",
)


# Exact times and a chat id about what was done for the person, which could tell the case
# apart (retention keeps only the month of opening and closing).
CASE_TRACES = (
    "risk_recheck_asked_at",
    "reflection_until",
    "reflection_conversation",
    "reflection_reminder_queued_at",
    "reflection_reminder_told_at",
    # The operation gives the time and region the person was found in.
    "operation_id",
)


def clear_person_fields(case: Case) -> None:
    for name in (*PERSON_FIELDS, *CASE_TRACES):
        setattr(case, name, None)


def delete_answers(session: Session, case_id: int) -> int:
    """What was said about the person: intake answers, needs, risk checks, provider choices,
    flags, and the receipts of belongings the police held."""
    removed = 0
    for table in (
        IntakeAnswer,
        AssessedNeed,
        RiskCheck,
        ProviderChoice,
        CaseFlag,
        BelongingsReceipt,
    ):
        result = session.execute(delete(table).where(table.case_id == case_id))
        removed += result.rowcount  # type: ignore[attr-defined]
    return removed


def delete_everything(session: Session, case_id: int) -> int:
    """The answers, the consent receipts, and the referrals with their events and messages."""
    removed = delete_answers(session, case_id)
    referral_ids = select(Referral.id).where(Referral.case_id == case_id).scalar_subquery()
    for statement in (
        delete(OutboxMessage).where(OutboxMessage.referral_id.in_(referral_ids)),
        delete(ReferralEvent).where(ReferralEvent.referral_id.in_(referral_ids)),
        delete(ReferralNeed).where(ReferralNeed.referral_id.in_(referral_ids)),
        delete(Referral).where(Referral.case_id == case_id),
        delete(ConsentReceipt).where(ConsentReceipt.case_id == case_id),
    ):
        removed += session.execute(statement).rowcount  # type: ignore[attr-defined]
    return removed
