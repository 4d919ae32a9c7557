"""The needs assessment: which catalog items apply to the person, and which are urgent.

Every answer is stored as it is given, so an interrupted assessment loses nothing; nothing is
stored without consent to the assessment (an urgent medical need is the one exception: it is
recorded at the safety check, before any question, because it must never wait for consent).
"""

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.consent import Scope, require_consent
from casework.models import AssessedNeed, Case
from referral_directory.needs import CHILD_PROTECTION, DOCUMENT_NEEDS, NEEDS, Level, need

URGENT_MEDICAL_NEED = "services.medical"


class Answer(StrEnum):
    NEEDED = "needed"
    NOT_NEEDED = "not_needed"
    DOES_NOT_KNOW = "does_not_know"
    DECLINED = "declined"  # prefers not to answer


def _upsert(
    session: Session, case: Case, need_id: str, answer: Answer, *, urgent: bool, now: datetime
) -> AssessedNeed:
    need(need_id)  # raises UnknownNeed for ids outside the catalog
    row = session.scalars(
        select(AssessedNeed).where(AssessedNeed.case_id == case.id, AssessedNeed.need_id == need_id)
    ).one_or_none()
    if row is None:
        row = AssessedNeed(case_id=case.id, need_id=need_id)
        session.add(row)
    row.answer = answer.value
    row.urgent = urgent and answer is Answer.NEEDED
    row.recorded_at = now
    return row


def record_urgent_medical_need(session: Session, case: Case, *, now: datetime) -> None:
    case.urgent_medical = "yes"
    _upsert(session, case, URGENT_MEDICAL_NEED, Answer.NEEDED, urgent=True, now=now)


def applicable_needs(case: Case, level: Level) -> list[str]:
    """The items of a level worth asking about for this case (children's needs need children)."""
    ids = [n.id for n in (*NEEDS, *DOCUMENT_NEEDS) if n.level == level]
    if case.has_children == "no":
        ids = [i for i in ids if i != "basic.children"]
    return ids


def record_level(
    session: Session,
    case: Case,
    level: Level,
    *,
    selected: Iterable[str],
    whole_level: Answer | None = None,
    now: datetime,
) -> None:
    """Answers for one level: the selected items are needed, the rest of the level is not.

    `whole_level` DOES_NOT_KNOW or DECLINED answers the level as a whole instead.
    """
    require_consent(session, case, Scope.ASSESSMENT, now=now)
    chosen = set(selected)
    items = applicable_needs(case, level)
    outside = chosen - set(items)
    if outside:
        raise ValueError(f"not items of level {int(level)} for this case: {sorted(outside)}")
    for need_id in items:
        answer: Answer
        if whole_level in (Answer.DOES_NOT_KNOW, Answer.DECLINED):
            answer = whole_level
        else:
            answer = Answer.NEEDED if need_id in chosen else Answer.NOT_NEEDED
        keep_urgent = need_id == URGENT_MEDICAL_NEED and case.urgent_medical == "yes"
        _upsert(session, case, need_id, answer, urgent=keep_urgent, now=now)


def mark_urgent(session: Session, case: Case, urgent: Iterable[str], *, now: datetime) -> None:
    """Of the needed items, exactly these are urgent (an urgent medical need stays urgent)."""
    require_consent(session, case, Scope.ASSESSMENT, now=now)
    wanted = set(urgent)
    for row in needed(session, case):
        row.urgent = row.need_id in wanted or (
            row.need_id == URGENT_MEDICAL_NEED and case.urgent_medical == "yes"
        )
        row.recorded_at = now


def needed(session: Session, case: Case) -> list[AssessedNeed]:
    """The needed items in the order they were assessed, child protection first (a presumed
    child is referred there before anything else: casework.child_protection)."""
    rows = session.scalars(
        select(AssessedNeed)
        .where(AssessedNeed.case_id == case.id, AssessedNeed.answer == Answer.NEEDED.value)
        .order_by(AssessedNeed.id)
    )
    return sorted(rows, key=lambda row: row.need_id != CHILD_PROTECTION.id)
