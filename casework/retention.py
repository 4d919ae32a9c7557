"""What is kept, and for how long: idle chat transcripts are purged, closed cases reduced.

- A conversation is purged `transcript_idle` after its newest event.
- A closed case is reduced `closed_case_period` after it was closed: one anonymous
  CaseStatistic row is written and everything it held is deleted; the case row stays as a
  tombstone (status "reduced", reference only), so the case ids in the audit trail never come
  to name another case (SQLite reuses the highest deleted id).
- An erased case (casework.erasure) kept its withdrawn consent receipts and its referral records
  as proof of what was done; after the same period they go too.

A case under legal hold, and every conversation linked to it, is left alone.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit import record_audit
from casework.case_rows import clear_person_fields, delete_everything
from casework.case_status import CaseStatus
from casework.chat_addresses import forget_addresses, prune
from casework.models import Case, CaseStatistic, CaseStatisticReferral, ConsentReceipt
from casework.referral_models import Referral
from casework.transcripts import TranscriptStore, case_conversations

PURPOSE = "retention"


@dataclass(frozen=True)
class RetentionPolicy:
    transcript_idle: timedelta
    closed_case_period: timedelta


@dataclass(frozen=True)
class RetentionReport:
    transcripts_purged: int
    transcripts_held: int  # idle, but linked to a case under legal hold
    cases_reduced: int
    erased_cases_cleared: int
    cases_held: int  # past their period, but under legal hold

    def summary(self) -> str:
        return (
            f"transcripts={self.transcripts_purged} held_transcripts={self.transcripts_held} "
            f"cases_reduced={self.cases_reduced} erased_cleared={self.erased_cases_cleared} "
            f"held_cases={self.cases_held}"
        )


def _month(moment: datetime) -> str:
    return f"{moment:%Y-%m}"


def _held_cases(session: Session) -> list[Case]:
    return list(session.scalars(select(Case).where(Case.legal_hold_at.is_not(None))))


def _past_period(session: Session, status: str, cutoff: datetime) -> list[Case]:
    return list(
        session.scalars(
            select(Case).where(Case.status == status, Case.closed_at <= cutoff).order_by(Case.id)
        )
    )


def _has_leftovers(session: Session, case_id: int) -> bool:
    """Whether an erased case still holds receipts or referrals."""
    return any(
        session.scalar(select(table.id).where(table.case_id == case_id).limit(1)) is not None
        for table in (ConsentReceipt, Referral)
    )


def reduce_case(session: Session, case: Case) -> CaseStatistic:
    """Replaces the case by its statistic; the caller checked the period and the hold."""
    if case.closed_at is None:
        raise ValueError("only a closed case is reduced")
    statistic = CaseStatistic(
        opened_month=_month(case.opened_at),
        closed_month=_month(case.closed_at),
        exploitation_form=case.exploitation_form,
        presumed_child=case.presumed_child,
    )
    session.add(statistic)
    session.flush()
    outcomes = Counter(
        session.execute(
            select(Referral.category, Referral.status).where(Referral.case_id == case.id)
        ).all()
    )
    for (category, status), count in sorted(outcomes.items()):
        session.add(
            CaseStatisticReferral(
                statistic_id=statistic.id, category=category, final_status=status, count=count
            )
        )
    delete_everything(session, case.id)
    clear_person_fields(case)
    case.status = CaseStatus.REDUCED
    case.officer_account_id = case.unit = case.region = None
    case.last_resumed_at = None
    # Months only, like the statistic: exact times could tell which statistic was this case.
    case.opened_at = case.opened_at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    case.closed_at = case.closed_at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return statistic


def _purge_transcripts(
    session: Session, store: TranscriptStore, policy: RetentionPolicy, now: datetime, dry_run: bool
) -> tuple[int, int]:
    idle = store.idle_since(now - policy.transcript_idle)
    held = idle & case_conversations(session, store, _held_cases(session))
    doomed = idle - held
    if dry_run:
        return len(doomed), len(held)
    purged = store.delete(doomed)
    forget_addresses(session, doomed)  # where to answer goes with what was said
    kept = store.idle_since(now + timedelta(days=1))  # every conversation still in the store
    prune(session, with_transcript=kept, idle_before=now - policy.transcript_idle, now=now)
    return purged, len(held)


def run_retention(
    session: Session,
    store: TranscriptStore,
    policy: RetentionPolicy,
    *,
    now: datetime,
    source: str,
    dry_run: bool = False,
) -> RetentionReport:
    """One pass; a dry run counts what a real one would remove and changes nothing.

    Transcripts are deleted in their own database at once; the case changes are the caller's
    to commit.
    """
    cutoff = now - policy.closed_case_period
    closed = _past_period(session, CaseStatus.CLOSED, cutoff)
    erased = [
        case
        for case in _past_period(session, CaseStatus.ERASED, cutoff)
        if _has_leftovers(session, case.id)
    ]
    to_reduce = [case for case in closed if not case.on_legal_hold]
    to_clear = [case for case in erased if not case.on_legal_hold]
    held = len(closed) - len(to_reduce) + len(erased) - len(to_clear)
    purged, transcripts_held = _purge_transcripts(session, store, policy, now, dry_run)
    report = RetentionReport(purged, transcripts_held, len(to_reduce), len(to_clear), held)
    if dry_run:
        return report
    for case in to_reduce:
        reduce_case(session, case)
        _audit(session, "case.reduce", case.id, now, source)
    for case in to_clear:
        delete_everything(session, case.id)
        _audit(session, "case.clear", case.id, now, source)
    _audit(session, "retention.run", None, now, source, detail=report.summary())
    return report


def _audit(
    session: Session,
    action: str,
    case_id: int | None,
    now: datetime,
    source: str,
    *,
    detail: str = "",
) -> None:
    record_audit(
        session,
        actor=source,
        action=action,
        outcome="done",
        case_id=case_id,
        detail=detail,
        now=now,
        source=source,
        purpose=PURPOSE,
    )
