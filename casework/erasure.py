"""Erasure on request: the person withdraws consent and asks for what we hold to be deleted.

Deleted: the intake answers, assessed needs, provider choices and flags, the receipts of
belongings held by the police, the answers about the person on the case row, the free-text notes
of referrals, the bodies of messages already sent and the chat transcripts of the case. Every
consent is withdrawn; every open referral is cancelled and its provider told, in their language
and on their channel, to delete what they hold. Kept until the retention period ends
(casework.retention): the withdrawn consent receipts and the referral records (code, provider,
category, status), as proof of what was done, and the case row with status "erased". The audit
trail records who erased, when and why (a code), nothing else.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from casework.account_models import StaffAccount
from casework.audit import record_audit
from casework.case_rows import clear_person_fields, delete_answers
from casework.case_status import GONE, CaseStatus
from casework.chat_addresses import forget_addresses
from casework.consent import withdraw_all
from casework.erasure_notice import erasure_message
from casework.models import Case
from casework.outbox import State, enqueue
from casework.referral_models import OutboxMessage, Referral, ReferralEvent
from casework.referral_status import OPEN, Reason, Status, check_transition
from casework.roles import may_see_case
from casework.transcripts import TranscriptStore, case_conversations

PURPOSE = "erasure"


class ErasureReason(StrEnum):
    PERSON_REQUEST = "person_request"
    REPRESENTATIVE_REQUEST = "representative_request"
    AUTHORITY_ORDER = "authority_order"


class ErasureRefused(PermissionError):
    """The requester may not erase this case, or it cannot be erased; no person data in it."""


@dataclass(frozen=True)
class ErasureReport:
    consents_withdrawn: int
    rows_deleted: int
    referrals_withdrawn: int
    transcripts_deleted: int
    transcripts_held: int  # also linked to another case under legal hold


def _refusal(case: Case, by: StaffAccount) -> str | None:
    if not may_see_case(by, case):
        return "only the case's officer, their unit's caseworker or the region's coordinator"
    if case.status in GONE:
        return f"the case is {case.status} already"
    if case.on_legal_hold:
        return "the case is under legal hold; a coordinator must release it first"
    return None


def _forget_referral_texts(session: Session, case: Case) -> None:
    """Free-text notes, unsent messages and the bodies of sent ones ("1 child" is a fact)."""
    referral_ids = select(Referral.id).where(Referral.case_id == case.id).scalar_subquery()
    session.execute(
        update(Referral)
        .where(Referral.case_id == case.id)
        .values(status_text=None, officer_note=None, link_token_sha256=None)
        .execution_options(synchronize_session="fetch")
    )
    session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.referral_id.in_(referral_ids),
            OutboxMessage.state == State.PENDING.value,
        )
    )
    # A row being sent keeps its body: an API push may be retried with it (casework.outbox).
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.referral_id.in_(referral_ids),
            OutboxMessage.state != State.SENDING.value,
        )
        .values(body="")
        .execution_options(synchronize_session="fetch")
    )


def _withdraw_open_referrals(
    session: Session, case: Case, by: StaffAccount, base_url: str, now: datetime
) -> int:
    open_ones = session.scalars(
        select(Referral).where(
            Referral.case_id == case.id, Referral.status.in_([s.value for s in OPEN])
        )
    ).all()
    for referral in open_ones:
        check_transition(Status(referral.status), Status.CANCELLED, Reason.PERSON_DECLINED)
        # Marked told: the officer's conversation is deleted with the case's transcripts.
        session.add(
            ReferralEvent(
                referral_id=referral.id,
                from_status=referral.status,
                to_status=Status.CANCELLED.value,
                reason=Reason.PERSON_DECLINED.value,
                actor=by.username,
                at=now,
                told_at=now,
            )
        )
        referral.status = Status.CANCELLED.value
        referral.status_reason = Reason.PERSON_DECLINED.value
        referral.updated_at = now
        referral.link_expires_at = now
        kind, body = erasure_message(referral, base_url=base_url, now=now)
        enqueue(session, kind, referral.recipient, body, referral_id=referral.id, now=now)
    return len(open_ones)


def erase_case(
    session: Session,
    case: Case,
    by: StaffAccount,
    reason: ErasureReason,
    store: TranscriptStore,
    *,
    base_url: str,
    now: datetime,
    source: str = "cli",
) -> ErasureReport:
    """Raises ErasureRefused (after auditing the refusal: commit it).

    The transcripts are deleted last, in their own database; if the caller then fails to
    commit, the case is not marked erased and the erasure can simply be asked for again.
    """
    refusal = _refusal(case, by)
    if refusal is not None:
        _audit(session, case, by, "refused", reason, now, source)
        raise ErasureRefused(refusal)
    withdrawn = withdraw_all(session, case, now=now)
    _forget_referral_texts(session, case)
    referrals = _withdraw_open_referrals(session, case, by, base_url, now)
    deleted = delete_answers(session, case.id)
    clear_person_fields(case)
    case.status = CaseStatus.ERASED
    case.closed_at = now
    _audit(session, case, by, "done", reason, now, source)
    session.flush()
    held_cases = session.scalars(select(Case).where(Case.legal_hold_at.is_not(None))).all()
    conversations = case_conversations(session, store, [case])
    held = conversations & case_conversations(session, store, held_cases)
    removed = store.delete(conversations - held)
    forget_addresses(session, conversations - held)  # addresses go with their transcripts
    return ErasureReport(withdrawn, deleted, referrals, removed, len(held))


def _audit(
    session: Session,
    case: Case,
    by: StaffAccount,
    outcome: str,
    reason: ErasureReason,
    now: datetime,
    source: str,
) -> None:
    record_audit(
        session,
        actor=by.username,
        action="case.erase",
        outcome=outcome,
        case_id=case.id,
        detail=reason.value,
        now=now,
        source=source,
        purpose=PURPOSE,
    )
